import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { scoringReminderMail } from '../core/outbox/mail-catalogue';
import { OutboxService } from '../core/outbox/outbox.service';
import { JudgingRepository } from './judging.repository';

/** Panels reminded per run: a run stays one short transaction, and a full batch asks for another run at once. */
const BATCH = 100;

/**
 * Reminds judges before a panel's scoring window closes. A panel is due from `reminderLeadHours` before closing
 * (not before it opens) until it closes. Each due panel is claimed by a conditional update (its reminder is marked
 * sent for the current closing time, rows locked with SKIP LOCKED), and its mails go to the outbox in the same
 * transaction: with several workers sweeping at once each panel is reminded by exactly one of them, and the mails'
 * event keys (panel, judge, closing time) keep a repeat out of the outbox too. Judges who confirmed every sheet get
 * nothing. Moving the window (a new closing time) makes the panel due again for the new one.
 */
@Injectable()
export class ScoringReminders {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: JudgingRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** Sends every reminder due at `now`; answers how many mails were written. */
  async sendDue(now = new Date()): Promise<number> {
    let written = 0;
    for (;;) {
      const { panels, mails } = await this.db.transaction(async (manager) => {
        const claimed = await this.repo.claimDueReminders(manager, now, BATCH);
        let count = 0;
        for (const panel of claimed) {
          const pending = await this.repo.unconfirmedByJudge(manager, panel.id);
          if (pending.length === 0) continue;
          const people = await this.repo.people(
            manager,
            pending.map((p) => p.judgeId),
          );
          await this.outbox.add(
            manager,
            pending.map((p) => scoringReminderMail(panel, people.get(p.judgeId)!, p)),
          );
          count += pending.length;
        }
        return { panels: claimed.length, mails: count };
      });
      written += mails;
      if (panels < BATCH) return written;
    }
  }
}
