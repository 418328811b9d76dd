import { currentStage } from './entry-naming';

describe('currentStage', () => {
  const catalogue = {
    fields: [],
    stages: [
      { id: 's1', name: 'Cấp trường', position: 1 },
      { id: 's2', name: 'Cấp huyện', position: 2 },
      { id: 's3', name: 'Cấp tỉnh', position: 3 },
    ],
  };

  it('is the furthest stage reached, at the unit that runs it there, whatever order the records come in', () => {
    expect(
      currentStage(
        [
          { id: 's2', unitId: 'district' },
          { id: 's1', unitId: 'school' },
        ],
        catalogue,
      ),
    ).toEqual({ id: 's2', name: 'Cấp huyện', position: 2, unitId: 'district' });
  });

  it('is none before the entry reached any stage, or for stages the edition does not hold', () => {
    expect(currentStage([], catalogue)).toBeNull();
    expect(currentStage([{ id: 'other', unitId: 'u' }], catalogue)).toBeNull();
    expect(currentStage([{ id: 's1', unitId: 'u' }], undefined)).toBeNull();
  });
});
