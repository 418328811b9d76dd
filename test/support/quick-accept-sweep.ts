import { ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe } from '../../src/core/errors/validation.pipe';

/** What the pipe's full check answers for a DTO: the object it builds, or the problems it names. */
export async function fullyChecked(metatype: ArgumentMetadata['metatype'], body: unknown): Promise<{ dto?: unknown; problems?: unknown }> {
  try {
    return { dto: await createValidationPipe().transform(body, { type: 'body', metatype }) };
  } catch (error) {
    return { problems: (error as { details: { problems: unknown } }).details.problems };
  }
}

/**
 * Puts every value in every place of a valid body and holds a DTO's quickAccept to the full check: it never accepts
 * what the full check refuses, and builds what it accepts as the full check does. `fully` is the DTO with quickAccept
 * turned off. Answers how many variants the quick way accepted, for the caller to check that the sweep reaches both ways.
 */
export async function sweepQuickAccept<B>(options: {
  quick: (body: unknown) => object | null;
  fully: ArgumentMetadata['metatype'];
  body: () => B;
  places: Array<[string, (body: B, value: unknown) => void]>;
  values: unknown[];
}): Promise<number> {
  let accepted = 0;
  for (const [place, put] of options.places) {
    for (const value of options.values) {
      const body = options.body();
      put(body, value);
      const quick = options.quick(JSON.parse(JSON.stringify(body)));
      if (!quick) continue;
      accepted += 1;
      const full = await fullyChecked(options.fully, JSON.parse(JSON.stringify(body)));
      expect({ place, value, dto: quick }).toEqual({ place, value, dto: full.dto });
    }
  }
  return accepted;
}
