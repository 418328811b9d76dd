import { ValueTransformer } from 'typeorm';

/** numeric columns come back from pg as strings; scores and points are exact decimals, read as numbers. */
export const decimal: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
