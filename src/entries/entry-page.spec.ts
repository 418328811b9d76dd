import { entryPageJson } from './entry-page';

describe('entryPageJson', () => {
  const item = { id: 'a', title: 'Máy "tưới" cây\n', authors: [{ position: 1, fullName: 'Nguyễn Văn An' }], currentStage: null };
  const utf8 = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('writes what JSON.stringify writes of the page, its items passed on as they are', () => {
    const page = { pageSize: 50, nextCursor: 'WyJ4Il0', total: 10_000, totalExact: false };
    expect(entryPageJson([utf8(item), utf8({ ...item, id: 'b' })], page).toString()).toBe(JSON.stringify({ items: [item, { ...item, id: 'b' }], ...page }));
  });

  it('writes an empty last page', () => {
    const page = { pageSize: 20, nextCursor: null, total: 0, totalExact: true };
    expect(JSON.parse(entryPageJson([], page).toString())).toEqual({ items: [], ...page });
  });
});
