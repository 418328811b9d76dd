import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { components } from '../api/schema';
import { useL } from '../i18n';
import { useSession } from '../session';
import { refusalOf, Select, type Refusal } from '../ui/forms';

export type EditionSummary = components['schemas']['EditionSummaryView'];
export type Edition = components['schemas']['EditionView'];
export type Stage = Edition['stages'][number];

export function useEditions(): [EditionSummary[] | null, Refusal | null] {
  const [editions, setEditions] = useState<EditionSummary[] | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  useEffect(() => {
    api('get', '/editions', { query: { pageSize: 100 } })
      .then((page) => setEditions(page.items))
      .catch((error) => setRefusal(refusalOf(error)));
  }, []);
  return [editions, refusal];
}

export const editionName = (e: EditionSummary) => `${e.contestName} — ${e.number} (${e.seasonLabel})`;

/**
 * The organiser's choice of an edition, one of its stages (those `wanted` keeps; none asked when it is null) and
 * one of the units they organise: what the prize-list, advancement and report pages act on.
 */
export function useStageAtUnit(wanted: ((stage: Stage) => boolean) | null) {
  const L = useL();
  const { me } = useSession();
  const [editions, editionsRefusal] = useEditions();
  const [editionId, setEditionId] = useState('');
  const [edition, setEdition] = useState<Edition | null>(null);
  const [stageId, setStageId] = useState('');
  const units = (me?.grants ?? []).filter((g) => g.role === 'organiser' || g.role === 'admin');
  const [unitId, setUnitId] = useState(units[0]?.unitId ?? '');
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const stages = wanted ? (edition?.stages.filter(wanted) ?? []) : [];

  useEffect(() => {
    if (editions?.length && !editionId) setEditionId(editions[0].id);
  }, [editions, editionId]);
  useEffect(() => {
    if (!editionId) return;
    api('get', '/editions/{id}', { path: { id: editionId } })
      .then((loaded) => {
        setEdition(loaded);
        setStageId((wanted && loaded.stages.find(wanted)?.id) ?? '');
      })
      .catch((error) => setRefusal(refusalOf(error)));
    // `wanted` is a new function each render; the stage is chosen again only when the edition changes.
  }, [editionId]);

  const fields = (shown: Refusal | null) => (
    <>
      <Select label={L('Cuộc thi', 'Edition')} name="editionId" refusal={null} value={editionId} onChange={(e) => setEditionId(e.target.value)}>
        {editions?.map((e) => (
          <option key={e.id} value={e.id}>
            {editionName(e)}
          </option>
        ))}
      </Select>
      {wanted && (
        <Select label={L('Vòng', 'Stage')} name="stageId" refusal={shown} value={stageId} onChange={(e) => setStageId(e.target.value)}>
          {stages.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </Select>
      )}
      <Select label={L('Đơn vị', 'Unit')} name="unitId" refusal={shown} value={unitId} onChange={(e) => setUnitId(e.target.value)}>
        {units.map((g) => (
          <option key={g.id} value={g.unitId}>
            {g.unitName}
          </option>
        ))}
      </Select>
    </>
  );

  return { editions, refusal: editionsRefusal ?? refusal, edition, stage: stages.find((s) => s.id === stageId) ?? null, stageId, unitId, fields };
}
