import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { useL } from '../i18n';
import { ErrorBanner, Loading, refusalOf, type Refusal } from '../ui/forms';
import { useStageAtUnit } from './picker';
import type { components } from '../api/schema';

type AdvancementPlan = components['schemas']['AdvancementPlanView'];
type Advanced = components['schemas']['AdvancedView'];

/**
 * Sending entries on to the next stage: the preview first, each entry with the API's outcome and reason, then the
 * confirmation. Where the stage advances by pick, the organiser ticks the entries and the API judges the picks.
 */
export function Advancement() {
  const L = useL();
  const { editions, refusal: pickRefusal, stage, stageId, unitId, fields } = useStageAtUnit((s) => !!s.advancement);
  const [plan, setPlan] = useState<AdvancementPlan | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [done, setDone] = useState<Advanced | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const byPick = stage?.advancement?.kind === 'pick';
  const body = () => (byPick ? { entryIds: [...picked] } : {});
  const path = { stageId, unitId };

  async function preview(event: FormEvent) {
    event.preventDefault();
    setRefusal(null);
    setDone(null);
    setPlan(null);
    try {
      // A pick is previewed empty first: every entry is listed as not picked, to be ticked.
      const shown = await api('post', '/stages/{stageId}/units/{unitId}/advancement/preview', { path, body: body() });
      setPlan(shown);
      if (byPick && picked.size === 0) setPicked(new Set(shown.lines.filter((l) => l.outcome === 'already_advanced').map((l) => l.entryId)));
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  async function confirmAdvancement() {
    setRefusal(null);
    try {
      const outcome = await api('post', '/stages/{stageId}/units/{unitId}/advancement', { path, body: body() });
      setDone(outcome);
      setPlan(outcome);
    } catch (error) {
      setRefusal(refusalOf(error));
    }
  }

  const toggle = (id: string) => setPicked((now) => (now.has(id) ? new Set([...now].filter((x) => x !== id)) : new Set([...now, id])));

  return (
    <main>
      <h1>{L('Xét chọn lên vòng trên', 'Advancement')}</h1>
      <ErrorBanner refusal={pickRefusal ?? refusal} />
      {!editions && !pickRefusal && <Loading />}
      {editions && (
        <form className="filters" onSubmit={preview}>
          {fields(refusal)}
          <button type="submit">{L('Xem trước', 'Preview')}</button>
        </form>
      )}
      {plan && (
        <section aria-labelledby="plan">
          <h2 id="plan">
            {plan.from.stageName} — {plan.from.unitName} → {plan.to.stageName} — {plan.to.unitName}
          </h2>
          {plan.count !== null && <p>{L(`Theo quy định: ${plan.count} sản phẩm được đi tiếp.`, `By the rule: ${plan.count} entries go on.`)}</p>}
          <div className="scroll">
            <table data-testid="advancement">
              <thead>
                <tr>
                  {byPick && <th scope="col">{L('Chọn', 'Pick')}</th>}
                  <th scope="col">{L('Hạng', 'Rank')}</th>
                  <th scope="col">{L('Mã', 'Reference')}</th>
                  <th scope="col">{L('Tên sản phẩm', 'Title')}</th>
                  <th scope="col">{L('Đơn vị', 'School')}</th>
                  <th scope="col">{L('Điểm', 'Score')}</th>
                  <th scope="col">{L('Kết quả', 'Outcome')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.lines.map((line) => (
                  <tr key={line.entryId}>
                    {byPick && (
                      <td>
                        <input
                          type="checkbox"
                          aria-label={L(`Chọn ${line.title}`, `Pick ${line.title}`)}
                          checked={picked.has(line.entryId)}
                          disabled={line.outcome === 'already_advanced' || !!done}
                          onChange={() => toggle(line.entryId)}
                        />
                      </td>
                    )}
                    <td>{line.rank ?? ''}</td>
                    <td>{line.reference}</td>
                    <td>{line.title}</td>
                    <td>{line.school}</td>
                    <td>{line.score ?? ''}</td>
                    <td>{line.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {done ? (
            <p role="status" className="notice">
              {L(
                `Đã chuyển ${done.moved.length} sản phẩm lên ${done.to.stageName}; ${done.alreadyAdvanced.length} sản phẩm đã ở đó từ trước.`,
                `${done.moved.length} entries sent on to ${done.to.stageName}; ${done.alreadyAdvanced.length} were there already.`,
              )}
            </p>
          ) : (
            <p className="buttons">
              {byPick && (
                <button type="button" className="secondary" onClick={(e) => void preview(e)}>
                  {L('Xem trước lựa chọn', 'Preview the picks')}
                </button>
              )}
              <button type="button" onClick={() => void confirmAdvancement()}>
                {L('Xác nhận chuyển vòng', 'Confirm advancement')}
              </button>
            </p>
          )}
        </section>
      )}
    </main>
  );
}
