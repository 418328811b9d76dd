import { Injectable } from '@nestjs/common';
import type { Criterion } from './aggregation';

/**
 * What checking a judge's points needs of a panel. The stage, the unit and the step are fixed once the panel is
 * formed; the rubric may still change until the stage has confirmed scores, so whoever writes points checked
 * against a remembered rubric makes the write conditional on that rubric still standing (JudgedStages.rubricUnchanged).
 */
export interface ScoringRules {
  stageId: string;
  unitPath: string;
  scoreStep: number;
  rubric: Criterion[];
  /** The rubric as the save's statement checks it still stands (JudgedStages.rubricKey). */
  rubricKey: string;
}

/** Panels remembered at once; the oldest is dropped first. A province season has a few hundred panels. */
export const SCORING_RULES_SIZE = 5_000;

/** The scoring rules of each panel, remembered so that a judge's save reads none of them again. */
@Injectable()
export class ScoringRulesCache {
  private readonly entries = new Map<string, Promise<ScoringRules | null>>();

  /** The panel's rules, from memory or from `load` (once per panel at a time); null (not remembered) for no such panel. */
  get(panelId: string, load: () => Promise<ScoringRules | null>): Promise<ScoringRules | null> {
    const known = this.entries.get(panelId);
    if (known) return known;
    const loading = load().then(
      (rules) => {
        if (!rules && this.entries.get(panelId) === loading) this.entries.delete(panelId);
        return rules;
      },
      (error: unknown) => {
        if (this.entries.get(panelId) === loading) this.entries.delete(panelId);
        throw error;
      },
    );
    if (this.entries.size >= SCORING_RULES_SIZE) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(panelId, loading);
    return loading;
  }

  /** The panel's rubric changed: the next `get` loads again. */
  forget(panelId: string): void {
    this.entries.delete(panelId);
  }
}
