import fc from 'fast-check';
import { EditionContext, editionProblems, isIsoDate, rubricTotal, TRIMMED_MEAN_MIN_JUDGES } from './edition-rules';
import { smallWorld, socTrang2017, technicalContest } from '../../test/support/fixtures';
import type { EditionDefinition, PrizeLevel, StageDefinition } from './edition.types';

const LEVELS = new Map([
  ['nation', { rank: 0, isLeaf: false }],
  ['province', { rank: 1, isLeaf: false }],
  ['district', { rank: 2, isLeaf: false }],
  ['school', { rank: 3, isLeaf: true }],
]);
const AT_PROVINCE: EditionContext = { contestKind: 'youth', levels: LEVELS, editionUnitRank: 1 };

const level = (code: string, name: string, quota: number, minScore: number, prizeMoney: number, scope: PrizeLevel['scope'] = 'field'): PrizeLevel => ({
  code,
  name,
  quotaKind: 'count',
  quota,
  minScore,
  scope,
  prizeMoney,
});

/** Bình Thuận youth contest, 15th edition (2021-2022): 15 prizes, no First (a level may stay empty). */
function binhThuan2022(): EditionDefinition {
  const definition = socTrang2017();
  definition.number = 15;
  definition.seasonLabel = '2021-2022';
  definition.plannedEntries = 100;
  definition.stages[2].prizeScheme = {
    tiePolicy: 'group_drops',
    passUnusedQuotaDown: false,
    levels: [
      level('first', 'Giải Nhất', 0, 85, 3_000_000, 'stage'),
      level('second', 'Giải Nhì', 2, 75, 2_000_000, 'stage'),
      level('third', 'Giải Ba', 3, 65, 1_000_000, 'stage'),
      level('encouragement', 'Giải Khuyến khích', 10, 50, 500_000, 'stage'),
    ],
  };
  return definition;
}

/** Phú Yên technical contest, 10th edition (2022-2023): direct registration at the province, then the national round. */
function phuYenTechnical(): EditionDefinition {
  const definition = socTrang2017();
  definition.number = 10;
  definition.seasonLabel = '2022-2023';
  definition.registrationOpensAt = new Date('2022-06-01T00:00:00+07:00');
  definition.registrationClosesAt = new Date('2023-03-31T17:00:00+07:00');
  definition.eligibility = { kind: 'technical', createdFromYear: 2019 };
  definition.stages = [
    {
      ...definition.stages[2],
      advancement: { kind: 'top_percent', percent: 20 },
      prizeScheme: {
        tiePolicy: 'all_get_level',
        passUnusedQuotaDown: true,
        levels: [level('first', 'Giải Nhất', 1, 85, 10_000_000, 'stage'), level('second', 'Giải Nhì', 0.2, 70, 5_000_000, 'stage'), level('third', 'Giải Ba', 0.3, 60, 3_000_000, 'stage')].map(
          (l, i) => (i === 0 ? l : { ...l, quotaKind: 'share' as const }),
        ),
      },
    },
    definition.stages[3],
  ];
  return definition;
}

const TECHNICAL_AT_PROVINCE: EditionContext = { ...AT_PROVINCE, contestKind: 'technical' };

/** The definition with one change applied. */
function changed(change: (d: EditionDefinition) => void, base = socTrang2017()): EditionDefinition {
  change(base);
  return base;
}

const fields = (definition: EditionDefinition, context = AT_PROVINCE) => editionProblems(definition, context).map((p) => p.field);

describe('editionProblems: real seasons', () => {
  it('accepts Sóc Trăng 2017: 5 fields, 100-point rubric, 1/2/3/4 prizes per field and an optional Special prize', () => {
    expect(editionProblems(socTrang2017(), AT_PROVINCE)).toEqual([]);
    expect(rubricTotal(socTrang2017().rubric)).toBe(100);
  });

  it('accepts Bình Thuận 2021-2022, where the First prize level is empty', () => {
    expect(editionProblems(binhThuan2022(), AT_PROVINCE)).toEqual([]);
  });

  it('accepts a technical edition registering directly at the province, with share quotas', () => {
    expect(editionProblems(phuYenTechnical(), TECHNICAL_AT_PROVINCE)).toEqual([]);
  });

  it('accepts a ladder without districts (school → province → nation, as after the 2025 merger)', () => {
    const withoutDistrict = changed((d) => d.stages.splice(1, 1));
    expect(editionProblems(withoutDistrict, AT_PROVINCE)).toEqual([]);
    const merged: EditionContext = { ...AT_PROVINCE, levels: new Map([...LEVELS].filter(([code]) => code !== 'district')) };
    expect(editionProblems(withoutDistrict, merged)).toEqual([]);
  });

  it('accepts a district edition whose first stage is the district itself or its schools', () => {
    const atDistrict: EditionContext = { ...AT_PROVINCE, editionUnitRank: 2 };
    expect(editionProblems(socTrang2017(), atDistrict)).toEqual([]);
    expect(
      editionProblems(
        changed((d) => d.stages.shift()),
        atDistrict,
      ),
    ).toEqual([]);
  });
});

describe('editionProblems: each impossible setting is named with its reason', () => {
  const cases: Array<[string, (d: EditionDefinition) => void, string, RegExp]> = [
    ['edition number 0', (d) => (d.number = 0), 'number', /whole number from 1/],
    ['fractional edition number', (d) => (d.number = 6.5), 'number', /whole number/],
    ['blank season label', (d) => (d.seasonLabel = '  '), 'seasonLabel', /empty/],
    ['window closing before it opens', (d) => (d.registrationClosesAt = new Date('2017-02-01T00:00:00Z')), 'registrationClosesAt', /close after it opens/],
    ['window closing as it opens', (d) => (d.registrationClosesAt = d.registrationOpensAt), 'registrationClosesAt', /close after it opens/],
    ['invalid opening date', (d) => (d.registrationOpensAt = new Date('nope')), 'registrationOpensAt', /valid date/],
    ['technical eligibility in a youth contest', (d) => (d.eligibility = { kind: 'technical', createdFromYear: 2015 }), 'eligibility.kind', /youth contest needs youth eligibility/],
    [
      'birth window ending before it starts',
      (d) => (d.eligibility = { kind: 'youth', bornFrom: '2014-07-31', bornTo: '2001-07-31' }),
      'eligibility.bornTo',
      /ends \(31\/07\/2001\) before it starts \(31\/07\/2014\)/,
    ],
    ['a birth date that does not exist', (d) => (d.eligibility = { kind: 'youth', bornFrom: '2001-02-30', bornTo: '2014-07-31' }), 'eligibility.bornFrom', /real date/],
    ['a birth date not in ISO form', (d) => (d.eligibility = { kind: 'youth', bornFrom: '2001-07-31', bornTo: '31/07/2014' }), 'eligibility.bornTo', /YYYY-MM-DD/],
    ['nobody born yet at closing', (d) => (d.eligibility = { kind: 'youth', bornFrom: '2018-01-01', bornTo: '2019-01-01' }), 'eligibility.bornFrom', /exists yet/],
    ['no author allowed', (d) => (d.maxAuthors = 0), 'maxAuthors', /at least one author/],
    ['negative plan', (d) => (d.plannedEntries = -1), 'plannedEntries', /0 to/],
    ['no field', (d) => (d.fields = []), 'fields', /at least one field/],
    ['duplicate field code (any case)', (d) => (d.fields[3].code = 'ht'), 'fields[3].code', /already the code of fields\[0\]/],
    ['blank field name', (d) => (d.fields[1].name = ''), 'fields[1].name', /empty/],
    [
      'rubric without criteria',
      (d) => {
        d.rubric = [];
        d.stages.forEach((s) => (s.tieBreak = []));
      },
      'rubric',
      /at least one criterion/,
    ],
    ['duplicate criterion code', (d) => (d.rubric[4].code = 'science'), 'rubric[4].code', /already the code of rubric\[1\]/],
    ['criterion worth 0 points', (d) => (d.rubric[2].maxPoints = 0), 'rubric[2].maxPoints', /more than 0/],
    ['no stage', (d) => (d.stages = []), 'stages', /at least one stage/],
    ['unknown level', (d) => (d.stages[1].levelCode = 'commune'), 'stages[1].levelCode', /no unit level "commune"/],
    ['first stage above the edition unit', (d) => d.stages.splice(0, 3), 'stages[0].levelCode', /above the unit that runs the edition/],
    ['blank stage name', (d) => (d.stages[3].name = ''), 'stages[3].name', /empty/],
    ['unknown aggregation', (d) => ((d.stages[1] as { aggregation: string }).aggregation = 'median'), 'stages[1].aggregation', /"mean", "trimmed_mean"/],
    ['judged stage without judges', (d) => (d.stages[1].judgesPerEntry = 0), 'stages[1].judgesPerEntry', /at least|from 1/],
    ['trimmed mean with 3 judges', (d) => (d.stages[2].judgesPerEntry = 3), 'stages[2].judgesPerEntry', /only when 5 or more judges/],
    ['unjudged stage with judges', (d) => (d.stages[0].judgesPerEntry = 3), 'stages[0].judgesPerEntry', /unjudged stage has no judges/],
    ['unjudged stage with a spread', (d) => (d.stages[0].discrepancySpread = 10), 'stages[0].discrepancySpread', /only judged stages/],
    ['unjudged stage with tie-breaks', (d) => (d.stages[0].tieBreak = ['novelty']), 'stages[0].tieBreak', /only judged stages/],
    ['negative spread', (d) => (d.stages[1].discrepancySpread = -1), 'stages[1].discrepancySpread', /between 0 and the rubric total \(100 points\)/],
    ['spread above the rubric total', (d) => (d.stages[1].discrepancySpread = 101), 'stages[1].discrepancySpread', /not 101/],
    ['tie-break on an unknown criterion', (d) => (d.stages[2].tieBreak = ['novelty', 'beauty']), 'stages[2].tieBreak[1]', /"beauty" is not a rubric criterion/],
    ['tie-break listed twice', (d) => (d.stages[2].tieBreak = ['novelty', 'novelty']), 'stages[2].tieBreak[1]', /already listed/],
    ['middle stage without advancement', (d) => (d.stages[1].advancement = null), 'stages[1].advancement', /way up to stages\[2\]/],
    ['unknown advancement', (d) => (d.stages[1].advancement = { kind: 'lottery' } as never), 'stages[1].advancement.kind', /"pick", "top_n"/],
    ['score-based advancement without judges', (d) => (d.stages[0].advancement = { kind: 'top_n', count: 10 }), 'stages[0].advancement.kind', /not judged: use "pick"/],
    ['top 0', (d) => (d.stages[1].advancement = { kind: 'top_n', count: 0 }), 'stages[1].advancement.count', /1 or more/],
    ['top 2.5', (d) => (d.stages[1].advancement = { kind: 'top_n', count: 2.5 }), 'stages[1].advancement.count', /whole number/],
    ['threshold above the total', (d) => (d.stages[1].advancement = { kind: 'threshold', minScore: 120 }), 'stages[1].advancement.minScore', /rubric total/],
    ['top 0 percent', (d) => (d.stages[1].advancement = { kind: 'top_percent', percent: 0 }), 'stages[1].advancement.percent', /more than 0/],
    ['top 120 percent', (d) => (d.stages[1].advancement = { kind: 'top_percent', percent: 120 }), 'stages[1].advancement.percent', /at most 100/],
    ['per-field cap of 0', (d) => (d.stages[1].advancement = { kind: 'top_n', count: 5, perFieldCap: 0 }), 'stages[1].advancement.perFieldCap', /1 or more/],
    ['prize scheme on an unjudged stage', (d) => (d.stages[0].prizeScheme = binhThuan2022().stages[2].prizeScheme), 'stages[0].prizeScheme', /not judged/],
    ['prize scheme without levels', (d) => (d.stages[2].prizeScheme!.levels = []), 'stages[2].prizeScheme.levels', /at least one prize level/],
    ['duplicate prize level code', (d) => (d.stages[2].prizeScheme!.levels[2].code = 'first'), 'stages[2].prizeScheme.levels[2].code', /already the code of stages\[2\]\.prizeScheme\.levels\[1\]/],
    ['negative quota', (d) => (d.stages[2].prizeScheme!.levels[0].quota = -1), 'stages[2].prizeScheme.levels[0].quota', /0 or more/],
    ['fractional count quota', (d) => (d.stages[2].prizeScheme!.levels[1].quota = 1.5), 'stages[2].prizeScheme.levels[1].quota', /whole number/],
    ['share above 1', (d) => Object.assign(d.stages[2].prizeScheme!.levels[1], { quotaKind: 'share', quota: 1.5 }), 'stages[2].prizeScheme.levels[1].quota', /between 0 and 1/],
    ['shares adding up above 1', (d) => d.stages[2].prizeScheme!.levels.forEach((l) => Object.assign(l, { quotaKind: 'share', quota: 0.25 })), 'stages[2].prizeScheme.levels', /add up to 1\.250/],
    ['minimum score above the total', (d) => (d.stages[2].prizeScheme!.levels[1].minScore = 100.5), 'stages[2].prizeScheme.levels[1].minScore', /rubric total \(100 points\)/],
    ['negative prize money', (d) => (d.stages[2].prizeScheme!.levels[4].prizeMoney = -400_000), 'stages[2].prizeScheme.levels[4].prizeMoney', /VND, 0 or more/],
    ['unknown tie policy', (d) => ((d.stages[2].prizeScheme as { tiePolicy: string }).tiePolicy = 'coin'), 'stages[2].prizeScheme.tiePolicy', /"all_get_level", "group_drops"/],
    ['unknown prize scope', (d) => ((d.stages[2].prizeScheme!.levels[0] as { scope: string }).scope = 'school'), 'stages[2].prizeScheme.levels[0].scope', /"stage", "field"/],
    ['unknown quota kind', (d) => ((d.stages[2].prizeScheme!.levels[0] as { quotaKind: string }).quotaKind = 'many'), 'stages[2].prizeScheme.levels[0].quotaKind', /"count", "share"/],
  ];

  it.each(cases)('refuses %s', (_name, change, field, reason) => {
    const problems = editionProblems(changed(change), AT_PROVINCE);
    expect(problems).toEqual([expect.objectContaining({ field, reason: expect.stringMatching(reason) })]);
  });

  it('refuses stages that do not climb, naming the stage that goes down or stays level', () => {
    const reversed = changed((d) => d.stages.reverse());
    expect(fields(reversed)).toEqual(expect.arrayContaining(['stages[1].levelCode', 'stages[2].levelCode', 'stages[3].levelCode']));
    const repeated = changed((d) => (d.stages[2].levelCode = 'district'));
    expect(editionProblems(repeated, AT_PROVINCE)).toEqual([
      expect.objectContaining({ field: 'stages[2].levelCode', reason: expect.stringMatching(/must climb.*"district" is not above "district" of stages\[1\]/) }),
    ]);
  });

  it('refuses a leaf level after the first stage', () => {
    const context: EditionContext = { ...AT_PROVINCE, levels: new Map([...LEVELS, ['organisation', { rank: 2, isLeaf: true }]]) };
    const definition = changed((d) => (d.stages[1].levelCode = 'organisation'));
    expect(editionProblems(definition, context)).toEqual([expect.objectContaining({ field: 'stages[1].levelCode', reason: expect.stringMatching(/leaf level/) })]);
  });

  it('keeps a technical contest to a sensible created-from year', () => {
    const year = (createdFromYear: number) =>
      fields(
        changed((d) => (d.eligibility = { kind: 'technical', createdFromYear }), phuYenTechnical()),
        TECHNICAL_AT_PROVINCE,
      );
    expect(year(2019)).toEqual([]);
    expect(year(2023)).toEqual([]);
    expect(year(2024)).toEqual(['eligibility.createdFromYear']);
    expect(year(1850)).toEqual(['eligibility.createdFromYear']);
    expect(year(2019.5)).toEqual(['eligibility.createdFromYear']);
  });

  it('plans 5 judges for a trimmed mean, but any number for a plain mean', () => {
    const judges = (aggregation: StageDefinition['aggregation'], n: number) => fields(changed((d) => Object.assign(d.stages[2], { aggregation, judgesPerEntry: n })));
    expect(judges('trimmed_mean', TRIMMED_MEAN_MIN_JUDGES)).toEqual([]);
    expect(judges('trimmed_mean', TRIMMED_MEAN_MIN_JUDGES - 1)).toEqual(['stages[2].judgesPerEntry']);
    expect(judges('mean', 1)).toEqual([]);
  });

  it('lets the province stage pick for national selection, but refuses an advancement rule on the last stage', () => {
    expect(fields(changed((d) => (d.stages[2].advancement = { kind: 'pick', perFieldCap: 2 })))).toEqual([]);
    expect(fields(changed((d) => (d.stages[3].advancement = { kind: 'pick', perFieldCap: 2 })))).toEqual(['stages[3].advancement']);
  });

  it('reports every problem at once', () => {
    const broken = changed((d) => {
      d.registrationClosesAt = new Date('2016-01-01T00:00:00Z');
      d.rubric = [];
      d.stages[2].tieBreak = [];
      d.stages[1].tieBreak = [];
      d.stages[2].prizeScheme!.levels[0].quota = -1;
      d.stages.reverse();
    });
    expect(fields(broken)).toEqual(expect.arrayContaining(['registrationClosesAt', 'rubric', 'stages[1].levelCode', 'stages[1].prizeScheme.levels[0].quota']));
  });
});

describe('editionProblems: properties', () => {
  const levelCodes = [...LEVELS.keys()];
  const simpleStage = (levelCode: string, last: boolean): StageDefinition => ({
    name: levelCode,
    levelCode,
    judged: true,
    judgesPerEntry: 3,
    aggregation: 'mean',
    discrepancySpread: null,
    tieBreak: [],
    advancement: last ? null : { kind: 'pick' },
    prizeScheme: null,
  });

  it('accepts a ladder exactly when its levels strictly climb and start at or below the edition unit', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...levelCodes), { minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 3 }), (ladder, unitRank) => {
        const definition = changed((d) => (d.stages = ladder.map((code, i) => simpleStage(code, i === ladder.length - 1))));
        const ranks = ladder.map((code) => LEVELS.get(code)!.rank);
        const climbs = ranks.every((rank, i) => i === 0 || rank < ranks[i - 1]);
        const leafOnlyFirst = ladder.every((code, i) => i === 0 || !LEVELS.get(code)!.isLeaf);
        const startsInside = ranks[0] >= unitRank;
        expect(editionProblems(definition, { ...AT_PROVINCE, editionUnitRank: unitRank }).length === 0).toBe(climbs && leafOnlyFirst && startsInside);
      }),
    );
  });

  it('accepts a registration window exactly when it closes after it opens', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2016-01-01'), max: new Date('2018-01-01'), noInvalidDate: true }), fc.integer({ min: -1e9, max: 1e9 }), (opens, lengthMs) => {
        const definition = changed((d) => {
          d.registrationOpensAt = opens;
          d.registrationClosesAt = new Date(opens.getTime() + lengthMs);
        });
        expect(fields(definition).includes('registrationClosesAt')).toBe(lengthMs <= 0);
      }),
    );
  });

  it('accepts a birth window exactly when both ends are real dates in order', () => {
    const isoDay = fc.date({ min: new Date('1990-01-01'), max: new Date('2016-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(isoDay, isoDay, (bornFrom, bornTo) => {
        const problems = fields(changed((d) => (d.eligibility = { kind: 'youth', bornFrom, bornTo })));
        expect(problems.length === 0).toBe(bornFrom <= bornTo);
      }),
    );
  });

  it('accepts a count quota exactly when it is a whole number ≥ 0, and a share exactly when it is within 0..1', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -5, max: 50 }), fc.double({ min: -2, max: 2, noNaN: true })), fc.constantFrom('count' as const, 'share' as const), (quota, quotaKind) => {
        const definition = changed((d) => {
          d.stages[2].prizeScheme!.levels = [{ ...d.stages[2].prizeScheme!.levels[1], quota, quotaKind }];
        });
        const ok = quotaKind === 'count' ? Number.isInteger(quota) && quota >= 0 : quota >= 0 && quota <= 1;
        expect(fields(definition)).toEqual(ok ? [] : ['stages[2].prizeScheme.levels[0].quota']);
      }),
    );
  });

  it('accepts a minimum score exactly when it lies within the rubric total', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: -1000, max: 70_000 }), (hundredths, scoreHundredths) => {
        const minScore = scoreHundredths / 100;
        const definition = changed((d) => {
          d.rubric = hundredths.map((h, i) => ({ code: `c${i}`, name: `Tiêu chí ${i}`, maxPoints: h / 100 }));
          d.stages.forEach((s) => (s.tieBreak = []));
          d.stages[1].discrepancySpread = null;
          d.stages[2].discrepancySpread = null;
          d.stages[2].prizeScheme!.levels.forEach((l) => (l.minScore = 0));
          d.stages[2].prizeScheme!.levels[0].minScore = minScore;
        });
        const total = hundredths.reduce((a, b) => a + b, 0);
        expect(fields(definition)).toEqual(scoreHundredths >= 0 && scoreHundredths <= total ? [] : ['stages[2].prizeScheme.levels[0].minScore']);
      }),
    );
  });

  it('never throws and only names fields of the definition, whatever the numbers', () => {
    const anyNumber = fc.oneof(fc.integer(), fc.double(), fc.constant(Number.NaN));
    fc.assert(
      fc.property(anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, (a, b, c, d, e) => {
        const definition = changed((x) => {
          x.number = a;
          x.maxAuthors = b;
          x.rubric[0].maxPoints = c;
          x.stages[1].judgesPerEntry = d;
          x.stages[2].prizeScheme!.levels[0].prizeMoney = e;
        });
        for (const problem of editionProblems(definition, AT_PROVINCE)) {
          expect(problem.field).toMatch(/^(number|maxAuthors|rubric\[0\]\.maxPoints|stages\[\d\]\.[\w.[\]]+|stages\[2\]\.prizeScheme\.levels\[0\]\.prizeMoney)$/);
          expect(problem.reason.length).toBeGreaterThan(5);
        }
      }),
    );
  });
});

describe('the test worlds', () => {
  it('hold only editions that pass the rules', () => {
    const world = smallWorld();
    const levels = new Map(world.levels.map((l) => [l.code, { rank: l.rank, isLeaf: l.isLeaf ?? false }]));
    const unitRank = (code: string) => levels.get(world.units.find((u) => u.code === code)!.level)!.rank;
    for (const contest of [...world.contests, technicalContest()]) {
      for (const { unit, ...edition } of contest.editions) {
        expect(editionProblems(edition, { contestKind: contest.kind, levels, editionUnitRank: unitRank(unit) })).toEqual([]);
      }
    }
  });
});

describe('isIsoDate', () => {
  it('takes real calendar dates only', () => {
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('1900-02-29')).toBe(false);
    expect(isIsoDate('2017-13-01')).toBe(false);
    expect(isIsoDate('2017-1-01')).toBe(false);
    expect(isIsoDate(20170101)).toBe(false);
  });
});
