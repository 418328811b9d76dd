/**
 * One data-modifying statement, to be sent alone or as a CTE of a larger one. Its placeholders are numbered
 * from $1 within the part; `shifted` renumbers them when parts share a statement.
 */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/** Every `$n` of `sql` moved up by `offset`; the parts hold no string literal with a `$`. */
export function shifted(sql: string, offset: number): string {
  return offset === 0 ? sql : sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
}

/**
 * `WITH name AS (part), … final` as one statement and its parameters: several tables written in one round trip,
 * and atomically without a transaction of its own.
 */
export function withParts(ctes: Array<[name: string, part: SqlPart]>, final: SqlPart): SqlPart {
  const params: unknown[] = [];
  const clauses = ctes.map(([name, part]) => {
    const sql = `${name} AS (${shifted(part.sql, params.length)})`;
    params.push(...part.params);
    return sql;
  });
  const sql = `WITH ${clauses.join(',\n')}\n${shifted(final.sql, params.length)}`;
  params.push(...final.params);
  return { sql, params };
}

/**
 * `withParts` for a hot statement whose parts' texts never vary, only their parameters: the text is put together
 * (placeholders renumbered) on the first call and reused while every part's name and text stay the same, so each
 * call only gathers the parameters. A part whose text did change builds it anew.
 */
export function fixedWithParts(): (ctes: Array<[name: string, part: SqlPart]>, final: SqlPart) => SqlPart {
  let texts: string[] = [];
  let sql = '';
  return (ctes, final) => {
    const now = [...ctes.flatMap(([name, part]) => [name, part.sql]), final.sql];
    if (now.length !== texts.length || now.some((text, i) => text !== texts[i])) {
      sql = withParts(ctes, final).sql;
      texts = now;
    }
    const params: unknown[] = [];
    for (const [, part] of ctes) params.push(...part.params);
    params.push(...final.params);
    return { sql, params };
  };
}
