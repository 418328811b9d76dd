import { decodeCursor, encodeCursor } from './list-cursor';

describe('list cursors', () => {
  const position = {
    editionId: '6e1a1f03-25f1-4f32-bca3-0eae0f3b9e01',
    unitPath: '/87e0642f-2570-4c81-ac98-f87183ab50d3/2a148090-6acb-4c8c-9f58-9bd20d898043/',
    reference: 'ST-D01-S001-007',
    id: 'f637f9c5-8eee-4d38-9202-5e2213510288',
  };

  it('gives back the position it was made from', () => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['a JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['a number where the id goes', Buffer.from(JSON.stringify([position.editionId, position.unitPath, position.reference, 7])).toString('base64url')],
    ['a path that is not ids', encodeCursor({ ...position, unitPath: "/x' OR 1=1/" })],
    ['an empty reference', encodeCursor({ ...position, reference: '' })],
  ])('refuses %s', (_, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });
});
