import { IsIn, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { IsCalendarDate } from '../validation';
import { createValidationPipe } from './validation.pipe';

class Author {
  @IsString() @MaxLength(5) name: string;
  @IsOptional() @IsCalendarDate() birthDate?: string;
}

class Body {
  @IsString() @MaxLength(10) title: string;
  @IsIn(['school', 'organiser']) role: string;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => Author) authors?: Author[];
}

async function problemsOf(value: unknown) {
  try {
    await createValidationPipe().transform(value, { type: 'body', metatype: Body });
  } catch (error) {
    if (!(error as { details?: unknown }).details) throw error;
    return (error as { details: { problems: unknown[] } }).details.problems;
  }
  return [];
}

describe('the global validation pipe', () => {
  it('says only "required" for a property that is missing, whatever else it must be', async () => {
    expect(await problemsOf({ role: 'school' })).toEqual([expect.objectContaining({ field: 'title', code: 'FIELD_REQUIRED', params: {}, reason: 'is required' })]);
  });

  it('gives each broken constraint its code and the parameters the decorator was declared with', async () => {
    expect(await problemsOf({ title: 'x'.repeat(11), role: 42 })).toEqual([
      expect.objectContaining({ field: 'title', code: 'TOO_LONG', params: { max: 10 } }),
      expect.objectContaining({ field: 'role', code: 'NOT_ONE_OF', params: { allowed: ['school', 'organiser'] } }),
    ]);
  });

  it('names nested fields and refuses impossible dates as NOT_A_DATE', async () => {
    const problems = await problemsOf({
      title: 'T',
      role: 'school',
      authors: [
        { name: 'An', birthDate: '2008-02-30' },
        { name: 'Bình', birthDate: '31/12/2008' },
      ],
    });
    expect(problems).toEqual([expect.objectContaining({ field: 'authors[0].birthDate', code: 'NOT_A_DATE' }), expect.objectContaining({ field: 'authors[1].birthDate', code: 'NOT_A_DATE' })]);
  });

  it('refuses unknown properties by name', async () => {
    expect(await problemsOf({ title: 'T', role: 'school', extra: 1 })).toEqual([expect.objectContaining({ field: 'extra', code: 'UNKNOWN_PROPERTY', params: { property: 'extra' } })]);
  });

  it('checks a class defined after others were checked, with the constraints it inherits', async () => {
    expect(await problemsOf({ title: 'T', role: 'school' })).toEqual([]);
    class Later extends Body {
      @IsString() @MaxLength(3) note: string;
    }
    const check = (value: unknown) => createValidationPipe().transform(value, { type: 'body', metatype: Later });
    await expect(check({ title: 'x'.repeat(11), role: 'school', note: 'too long' })).rejects.toEqual(
      expect.objectContaining({
        details: expect.objectContaining({ problems: [expect.objectContaining({ field: 'note', code: 'TOO_LONG' }), expect.objectContaining({ field: 'title', code: 'TOO_LONG' })] }),
      }),
    );
  });
});
