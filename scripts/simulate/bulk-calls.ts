/**
 * What an organiser's screen sends in one request rather than one per item: the picks of all the units under them
 * (`POST /stages/{id}/advancement`; schools with an account still pick their own), a panel's members
 * (`POST /panels/{id}/members/batch`) and its pins (`PUT /panels/{id}/pins`). Lists longer than the API takes go in
 * several calls.
 */

/** What one unit sends up: its picks, or none for the stage's own rule. */
export interface UnitPicks {
  unitId: string;
  entryIds?: string[];
}

export interface UnitAdvanced {
  unitId: string;
  moved: string[];
  alreadyAdvanced: string[];
}

/** The most units the API takes in one call (MAX_UNITS_PER_ADVANCEMENT). */
const UNITS_PER_CALL = 2000;

export async function advanceInBulk(post: (path: string, body: unknown) => Promise<{ units: UnitAdvanced[] }>, stageId: string, picks: UnitPicks[]): Promise<UnitAdvanced[]> {
  const out: UnitAdvanced[] = [];
  for (let i = 0; i < picks.length; i += UNITS_PER_CALL) {
    const answer = await post(`/stages/${stageId}/advancement`, { units: picks.slice(i, i + UNITS_PER_CALL) });
    out.push(...answer.units);
  }
  return out;
}

/** The most entries one `PUT /panels/{id}/pins` takes. */
const ENTRIES_PER_PIN_CALL = 5000;

/** Pins each entry's judges; nothing is sent when no entry has any. */
export async function pinJudges(put: (path: string, body: unknown) => Promise<unknown>, panelId: string, pins: Array<{ entryId: string; judgeIds: string[] }>): Promise<void> {
  const some = pins.filter((p) => p.judgeIds.length > 0);
  for (let i = 0; i < some.length; i += ENTRIES_PER_PIN_CALL) await put(`/panels/${panelId}/pins`, { entries: some.slice(i, i + ENTRIES_PER_PIN_CALL) });
}

/** The most members one `POST /panels/{id}/members/batch` seats (MAX_MEMBERS_PER_CALL). */
const MEMBERS_PER_CALL = 200;

export interface MemberSeat {
  userId: string;
  role: 'judge' | 'chair';
  affiliationUnitId?: string | null;
  fieldCodes?: string[];
}

/** Seats a panel's judges and chair. */
export async function seatMembers(post: (path: string, body: unknown) => Promise<unknown>, panelId: string, members: MemberSeat[]): Promise<void> {
  for (let i = 0; i < members.length; i += MEMBERS_PER_CALL) await post(`/panels/${panelId}/members/batch`, { members: members.slice(i, i + MEMBERS_PER_CALL) });
}
