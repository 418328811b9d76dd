import { DEFAULT_TIME_ZONE, formatDate, formatDateTime, Locale } from '../i18n/format';

/*
 * The one catalogue of reasons the API gives. A front end translates by `code` and `params`; the server renders
 * `message` / `reason` from the same entries, in Vietnamese unless the request prefers English. Codes are stable:
 * rename a message freely, never a code. Instants travel as ISO strings and are shown on the wall clock of
 * `timeZone` (the edition's, Asia/Ho_Chi_Minh by default); calendar dates travel as YYYY-MM-DD.
 */

type Template<P> = (p: P) => string;

function entry<P extends object = Record<string, never>>(vi: Template<P>, en: Template<P>): { vi: Template<P>; en: Template<P> } {
  return { vi, en };
}

/** What a NOT_FOUND names; the front end translates these too. */
export type Thing =
  | 'Contest'
  | 'Edition'
  | 'Unit'
  | 'Entry'
  | 'User'
  | 'Grant'
  | 'Dossier file'
  | 'First stage of the edition'
  | 'Mail message'
  | 'Stage'
  | 'Panel'
  | 'Panel member'
  | 'Panel scores'
  | 'Score sheet'
  | 'Stage at this unit'
  | 'Edition at this unit'
  | 'Prize list'
  | 'Prize list version'
  | 'Delivery';

const THING_VI: Record<Thing, string> = {
  Contest: 'cuộc thi',
  Edition: 'kỳ thi',
  Unit: 'đơn vị',
  Entry: 'bài dự thi',
  User: 'tài khoản',
  Grant: 'quyền',
  'Dossier file': 'tệp hồ sơ',
  'First stage of the edition': 'vòng đầu tiên của kỳ thi',
  'Mail message': 'thư',
  Stage: 'vòng thi',
  Panel: 'hội đồng',
  'Panel member': 'thành viên hội đồng',
  'Panel scores': 'điểm của hội đồng',
  'Score sheet': 'phiếu chấm',
  'Stage at this unit': 'vòng thi tại đơn vị này',
  'Edition at this unit': 'kỳ thi tại đơn vị này',
  'Prize list': 'danh sách đạt giải',
  'Prize list version': 'bản danh sách đạt giải',
  Delivery: 'lần gửi thư',
};

const at = (p: { at: string; timeZone?: string }) => formatDateTime(p.at, p.timeZone ?? DEFAULT_TIME_ZONE);
const enAt = (p: { at: string; timeZone?: string }) => `${at(p)} (${p.timeZone ?? DEFAULT_TIME_ZONE})`;
const list = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
const plain = (values: readonly string[]) => values.join(', ');
/** Large counts with their digits grouped as each language writes them: 10.000 and 10,000. */
const vn = (n: number) => n.toLocaleString('vi-VN');
const en = (n: number) => n.toLocaleString('en-US');
const authorVi = (p: { author: string | null; index: number }) => p.author || `tác giả ${p.index + 1}`;
const authorEn = (p: { author: string | null; index: number }) => p.author || `author ${p.index + 1}`;
const fromRowVi = (p: { schoolCode?: string | null }) => (p.schoolCode ? ` cho trường ${p.schoolCode}` : '');
const fromRowEn = (p: { schoolCode?: string | null }) => (p.schoolCode ? ` for school ${p.schoolCode}` : '');

/** In a list column, which author of the list a problem is about. */
const whichVi = (p: { author?: number }) => (p.author === undefined ? '' : `tác giả ${p.author}: `);
const whichEn = (p: { author?: number }) => (p.author === undefined ? '' : `author ${p.author}: `);

/** A reason quoted inside another's message. */
interface Nested {
  code: string;
  params: object;
}

const nested = (why: Nested, locale: Locale): string => renderProblem(why.code, why.params, locale);

const STATE_VI: Record<string, string> = { draft: 'nháp', registration: 'đăng ký', judging: 'chấm', results: 'kết quả', closed: 'đã đóng' };
const stateVi = (state: string) => `«${STATE_VI[state] ?? state}»`;

export const PROBLEM_CATALOGUE = {
  // Shapes of what was sent (400).
  INVALID_REQUEST: entry<{ fields: string[] }>(
    (p) => `Yêu cầu không hợp lệ: ${plain(p.fields)}`,
    (p) => `Invalid request: ${plain(p.fields)}`,
  ),
  FIELD_REQUIRED: entry(
    () => 'là bắt buộc',
    () => 'is required',
  ),
  FIELD_EMPTY: entry(
    () => 'không được để trống',
    () => 'must not be empty',
  ),
  UNKNOWN_PROPERTY: entry<{ property: string }>(
    (p) => `không có thuộc tính ${p.property}`,
    (p) => `property ${p.property} should not exist`,
  ),
  NOT_A_JSON_OBJECT: entry(
    () => 'phải là một đối tượng JSON',
    () => 'must be a JSON object',
  ),
  NOT_A_STRING: entry(
    () => 'phải là chuỗi ký tự',
    () => 'must be a string',
  ),
  NOT_AN_INTEGER: entry(
    () => 'phải là số nguyên',
    () => 'must be an integer',
  ),
  NOT_A_NUMBER: entry(
    () => 'phải là số',
    () => 'must be a number',
  ),
  NOT_A_BOOLEAN: entry(
    () => 'phải là true hoặc false',
    () => 'must be true or false',
  ),
  NOT_AN_ARRAY: entry(
    () => 'phải là một danh sách',
    () => 'must be an array',
  ),
  NOT_AN_OBJECT: entry(
    () => 'phải là một đối tượng',
    () => 'must be an object',
  ),
  NOT_AN_EMAIL: entry(
    () => 'không phải địa chỉ e-mail',
    () => 'must be an e-mail address',
  ),
  NOT_A_UUID: entry(
    () => 'phải là một UUID',
    () => 'must be a UUID',
  ),
  NOT_A_LIST_CURSOR: entry(
    () => 'không phải con trỏ trang do danh sách trả về (nextCursor); hãy mở lại trang đầu',
    () => 'is not a page cursor this list returned (nextCursor); start again from the first page',
  ),
  NOT_ONE_OF: entry<{ allowed: string[] }>(
    (p) => `phải là một trong ${list(p.allowed)}`,
    (p) => `must be one of ${list(p.allowed)}`,
  ),
  NOT_A_DATE: entry<{ value?: string }>(
    (p) => `${p.value === undefined ? '' : `"${p.value}" `}không phải ngày hợp lệ: viết YYYY-MM-DD`,
    (p) => `${p.value === undefined ? '' : `"${p.value}" `}is not a date: write YYYY-MM-DD`,
  ),
  NOT_A_DATE_TIME: entry(
    () => 'phải là ngày giờ ISO 8601 kèm múi giờ, ví dụ 2017-03-01T00:00:00+07:00',
    () => 'must be an ISO 8601 date-time with its time zone, e.g. 2017-03-01T00:00:00+07:00',
  ),
  NOT_A_PHONE: entry(
    () => 'số điện thoại gồm 6 đến 20 chữ số, khoảng trắng, dấu chấm, gạch ngang hoặc ngoặc',
    () => 'must hold 6 to 20 digits, spaces, dots, dashes or brackets',
  ),
  CODE_CHARACTERS: entry(
    () => 'chỉ gồm chữ cái ASCII, chữ số, ".", "_" và "-"',
    () => 'may hold only ASCII letters, digits, ".", "_" and "-"',
  ),
  PATTERN_MISMATCH: entry<{ pattern: string }>(
    (p) => `không đúng dạng ${p.pattern}`,
    (p) => `must match ${p.pattern}`,
  ),
  TOO_LONG: entry<{ max: number }>(
    (p) => `dài quá ${p.max} ký tự`,
    (p) => `must be at most ${p.max} characters`,
  ),
  TOO_SHORT: entry<{ min: number }>(
    (p) => `phải có ít nhất ${p.min} ký tự`,
    (p) => `must be at least ${p.min} characters`,
  ),
  LENGTH_OUT_OF_RANGE: entry<{ min: number; max: number }>(
    (p) => `phải dài từ ${p.min} đến ${p.max} ký tự`,
    (p) => `must be ${p.min} to ${p.max} characters long`,
  ),
  TOO_SMALL: entry<{ min: number }>(
    (p) => `không được nhỏ hơn ${p.min}`,
    (p) => `must not be less than ${p.min}`,
  ),
  TOO_LARGE: entry<{ max: number }>(
    (p) => `không được lớn hơn ${p.max}`,
    (p) => `must not be greater than ${p.max}`,
  ),
  TOO_FEW_ITEMS: entry<{ min: number }>(
    (p) => `phải có ít nhất ${p.min} phần tử`,
    (p) => `must hold at least ${p.min} items`,
  ),
  TOO_MANY_ITEMS: entry<{ max: number }>(
    (p) => `có nhiều nhất ${p.max} phần tử`,
    (p) => `must hold at most ${p.max} items`,
  ),
  INVISIBLE_CHARACTERS: entry<{ found: string | null }>(
    (p) => `không được chứa ký tự ẩn hoặc ký tự điều khiển (gặp ${p.found})`,
    (p) => `must not contain invisible or control characters (found ${p.found})`,
  ),
  INVALID_VALUE: entry<{ constraint: string }>(
    (p) => `giá trị không hợp lệ (${p.constraint})`,
    (p) => `is not valid (${p.constraint})`,
  ),
  NUL_CHARACTER: entry<{ name?: boolean }>(
    (p) => `${p.name ? 'tên ' : ''}không được chứa ký tự NUL (U+0000)`,
    (p) => `${p.name ? 'name ' : ''}must not contain the NUL character (U+0000)`,
  ),
  LONE_SURROGATE: entry<{ name?: boolean }>(
    (p) => `${p.name ? 'tên ' : ''}không được chứa nửa cặp UTF-16 lẻ`,
    (p) => `${p.name ? 'name ' : ''}must not contain a lone UTF-16 surrogate`,
  ),
  TOO_MANY_VALUES: entry<{ max: number }>(
    (p) => `chứa nhiều nhất ${p.max} giá trị`,
    (p) => `must hold at most ${p.max} values`,
  ),
  TOO_DEEP: entry<{ max: number }>(
    (p) => `không được lồng sâu quá ${p.max} tầng`,
    (p) => `must not nest more than ${p.max} levels deep`,
  ),
  TOO_MANY_KEYS: entry<{ max: number }>(
    (p) => `chứa nhiều nhất ${p.max} khóa`,
    (p) => `must hold at most ${p.max} keys`,
  ),
  BODY_REFUSED: entry<{ detail: string }>(
    (p) => `nội dung yêu cầu bị từ chối: ${p.detail}`,
    (p) => p.detail,
  ),
  BODY_TOO_LARGE: entry(
    () => 'Nội dung yêu cầu quá lớn so với mức máy chủ nhận cho thao tác này',
    () => 'The request body is larger than the server accepts for this operation',
  ),
  BODY_NOT_JSON: entry(
    () => 'Nội dung yêu cầu không phải JSON hợp lệ (hoặc chứa khóa __proto__ / constructor bị cấm)',
    () => 'The request body is not valid JSON (or holds a forbidden __proto__ / constructor key)',
  ),
  BODY_EMPTY: entry(
    () => 'Yêu cầu khai báo nội dung JSON (Content-Type: application/json) nhưng không gửi nội dung nào',
    () => 'The request says it sends JSON (Content-Type: application/json) but sends no body',
  ),
  MEDIA_TYPE_NOT_ACCEPTED: entry<{ mediaType: string }>(
    (p) => `Máy chủ không nhận nội dung kiểu "${p.mediaType}"; hãy gửi JSON (application/json) hoặc tệp (multipart/form-data)`,
    (p) => `The server does not accept "${p.mediaType}" bodies; send JSON (application/json) or a file (multipart/form-data)`,
  ),
  CONTENT_LENGTH_MISMATCH: entry(
    () => 'Độ dài nội dung (Content-Length) không khớp với nội dung đã gửi',
    () => 'Content-Length does not match the body sent',
  ),
  HEADERS_TOO_LARGE: entry<{ maxBytes: number }>(
    (p) => `Phần tiêu đề (headers) của yêu cầu vượt quá ${p.maxBytes} byte mà máy chủ nhận`,
    (p) => `The request's headers exceed the ${p.maxBytes} bytes the server accepts`,
  ),
  REQUEST_TOO_SLOW: entry<{ seconds: number }>(
    (p) => `Yêu cầu không đến đủ trong ${p.seconds} giây; hãy gửi lại`,
    (p) => `The request did not arrive in full within ${p.seconds} seconds; send it again`,
  ),
  NOT_HTTP: entry(
    () => 'Yêu cầu không đúng giao thức HTTP',
    () => 'The request is not valid HTTP',
  ),
  IDEMPOTENCY_KEY_TOO_LONG: entry<{ max: number }>(
    (p) => `Idempotency-Key dài nhiều nhất ${p.max} ký tự`,
    (p) => `Idempotency-Key must be at most ${p.max} characters`,
  ),

  // Uploads and files.
  FILE_MISSING: entry(
    () => 'chưa gửi tệp: gửi multipart/form-data với trường "file"',
    () => 'missing',
  ),
  FILE_EMPTY: entry(
    () => 'tệp rỗng',
    () => 'empty',
  ),
  FILE_TOO_LARGE: entry<{ maxBytes?: number }>(
    (p) => `Tệp lớn hơn giới hạn tải lên${p.maxBytes ? ` ${p.maxBytes} byte` : ''}`,
    (p) => `The file is larger than the upload limit${p.maxBytes ? ` of ${p.maxBytes} bytes` : ''}`,
  ),
  UPLOAD_TOO_MANY_PARTS: entry<{ detail: string }>(
    (p) => `Yêu cầu tải lên có quá nhiều phần: gửi một tệp và vài trường (${p.detail})`,
    (p) => `The upload has too many parts: send one file and at most a few fields (${p.detail})`,
  ),
  MULTIPART_MALFORMED: entry<{ detail: string }>(
    (p) => `nội dung multipart hỏng: ${p.detail}`,
    (p) => `malformed multipart body: ${p.detail}`,
  ),
  FILE_TYPE_NOT_ACCEPTED: entry<{ accepted: string[] }>(
    (p) => `Nội dung tệp không thuộc các loại được nhận (${plain(p.accepted)})`,
    (p) => `The file content is not one of the accepted types (${plain(p.accepted)})`,
  ),
  FILE_EXTENSION_MISMATCH: entry<{ type: string; extension: string }>(
    (p) => `Tệp là ${p.type} nhưng tên lại có đuôi .${p.extension}`,
    (p) => `The file is a ${p.type} but its name ends in .${p.extension}`,
  ),
  FILE_NO_ROWS: entry(
    () => 'tệp không có dòng nào dưới dòng tiêu đề',
    () => 'no rows',
  ),
  FILE_NO_HEADER: entry(
    () => 'không có dòng tiêu đề: dòng đầu tiên phải ghi tên các cột',
    () => 'no header row: the first row must name the columns',
  ),
  FILE_ROWS_OUT_OF_ORDER: entry<{ row: number; after: number }>(
    (p) => `dòng ${vn(p.row)} đứng sau dòng ${vn(p.after)}`,
    (p) => `row ${en(p.row)} comes after row ${en(p.after)}`,
  ),
  FILE_UNREADABLE_XLSX: entry(
    () => 'tệp XLSX không đọc được',
    () => 'unreadable XLSX',
  ),
  FILE_NOT_UTF8: entry(
    () => 'lưu tệp CSV dưới dạng UTF-8',
    () => 'save the CSV as UTF-8',
  ),
  FILE_MALFORMED_CSV: entry<{ detail: string }>(
    (p) => `tệp CSV hỏng: ${p.detail}`,
    (p) => `malformed CSV: ${p.detail}`,
  ),
  FILE_TOO_MANY_ROWS: entry<{ max: number; row: number }>(
    (p) => `nhiều hơn ${vn(p.max)} dòng dưới tiêu đề (dòng ${vn(p.row)})`,
    (p) => `more than ${en(p.max)} rows under the header (row ${en(p.row)})`,
  ),
  FILE_TOO_MANY_COLUMNS: entry<{ max: number; row: number; column: string }>(
    (p) => `nhiều hơn ${p.max} cột (dòng ${vn(p.row)} có ô ở cột ${p.column})`,
    (p) => `more than ${p.max} columns (row ${en(p.row)} has a cell in column ${p.column})`,
  ),
  FILE_CELL_TOO_LONG: entry<{ max: number; cell: string }>(
    (p) => `ô ${p.cell} dài hơn ${vn(p.max)} ký tự`,
    (p) => `cell ${p.cell} is longer than ${en(p.max)} characters`,
  ),
  FILE_ROW_TOO_LONG: entry<{ max: number; row: number }>(
    (p) => `dòng ${vn(p.row)} chứa hơn ${vn(p.max)} ký tự`,
    (p) => `row ${en(p.row)} holds more than ${en(p.max)} characters`,
  ),
  FILE_TOO_MANY_PARTS: entry<{ max: number }>(
    (p) => `tệp XLSX chứa hơn ${vn(p.max)} phần`,
    (p) => `the XLSX archive holds more than ${en(p.max)} parts`,
  ),
  FILE_INFLATES_TOO_MUCH: entry<{ maxMegabytes: number; part: string }>(
    (p) => `tệp XLSX giải nén ra hơn ${vn(p.maxMegabytes)} MB (ở phần ${p.part})`,
    (p) => `the XLSX inflates to more than ${en(p.maxMegabytes)} MB (at part ${p.part})`,
  ),
  FILE_REFUSED: entry<{ why: Nested }>(
    (p) => `Tệp bị từ chối: ${nested(p.why, 'vi')}`,
    (p) => `The file is refused: ${nested(p.why, 'en')}`,
  ),
  FILE_UNREADABLE: entry<{ why: Nested }>(
    (p) => `Không đọc được tệp: ${nested(p.why, 'vi')}`,
    (p) => `The file cannot be read: ${nested(p.why, 'en')}`,
  ),
  COLUMN_MISSING: entry(
    () => 'thiếu cột bắt buộc',
    () => 'required column is missing',
  ),
  COLUMN_TWICE: entry<{ first: string; second: string }>(
    (p) => `có hai lần, là "${p.first}" và "${p.second}"`,
    (p) => `given twice, as "${p.first}" and as "${p.second}"`,
  ),
  UNIT_FILE_COLUMNS: entry(
    () => 'Tệp không có đủ các cột code, name, level, parent_code',
    () => 'The file does not have the columns code, name, level, parent_code',
  ),
  UNIT_FILE_ROWS: entry<{ badRows: number }>(
    (p) => `${p.badRows} dòng của tệp có lỗi; không có gì được nhập`,
    (p) => `${p.badRows} row(s) of the file have problems; nothing was imported`,
  ),
  IMPORT_REFUSED: entry<{ badRows: number; rowCount: number; listed: number; omitted: boolean }>(
    (p) =>
      `Không có gì được nhập: ${p.badRows > 0 ? `${p.badRows} trên ${p.rowCount} dòng có lỗi` : 'thiếu cột bắt buộc'} (details.problems liệt kê ${p.omitted ? `${p.listed} lỗi đầu tiên kèm dòng và cột; details.omitted đếm phần còn lại` : 'từng lỗi kèm dòng và cột'})`,
    (p) =>
      `Nothing was imported: ${p.badRows > 0 ? `${p.badRows} of ${p.rowCount} rows ${p.badRows === 1 ? 'has' : 'have'} problems` : 'required columns are missing'} (details.problems lists ${p.omitted ? `the first ${p.listed} with their row and column; details.omitted counts the rest` : 'each with its row and column'})`,
  ),
  CELL_REQUIRED_SCHOOL: entry(
    () => 'là bắt buộc: ghi mã trường hoặc tổ chức của bài dự thi này',
    () => 'is required: name the school or organisation of this entry',
  ),
  CELL_NOT_AN_EMAIL: entry<{ value: string }>(
    (p) => `"${p.value}" không phải địa chỉ e-mail`,
    (p) => `"${p.value}" is not an e-mail address`,
  ),
  CELL_NOT_A_PHONE: entry<{ value: string }>(
    (p) => `"${p.value}" không phải số điện thoại: 6 đến 20 chữ số, khoảng trắng, dấu chấm, gạch ngang hoặc ngoặc`,
    (p) => `"${p.value}" is not a phone number: 6 to 20 digits, spaces, dots, dashes or brackets`,
  ),
  CELL_NOT_A_YEAR: entry<{ value: string }>(
    (p) => `"${p.value}" không phải năm (4 chữ số)`,
    (p) => `"${p.value}" is not a year (4 digits)`,
  ),
  CELL_NOT_A_DATE: entry<{ value: string; author?: number }>(
    (p) => `${whichVi(p)}"${p.value}" không phải ngày: viết YYYY-MM-DD hoặc DD/MM/YYYY`,
    (p) => `${whichEn(p)}"${p.value}" is not a date: write YYYY-MM-DD or DD/MM/YYYY`,
  ),
  CELL_TOO_LONG: entry<{ max: number; author?: number }>(
    (p) => `${whichVi(p)}dài hơn ${p.max} ký tự`,
    (p) => `${whichEn(p)}is longer than ${p.max} characters`,
  ),
  AUTHOR_WITHOUT_NAME: entry<{ index: number }>(
    (p) => `tác giả ${p.index + 1} có các cột khác nhưng chưa có tên`,
    (p) => `author ${p.index + 1} has other columns filled but no name`,
  ),
  REFERENCE_REPEATED_IN_FILE: entry<{ reference: string; firstRow: number; schoolCode?: string | null }>(
    (p) => `"${p.reference}" đã dùng ở dòng ${p.firstRow} của tệp${fromRowVi(p)}`,
    (p) => `"${p.reference}" is already used by row ${p.firstRow} of this file${fromRowEn(p)}`,
  ),
  REFERENCE_CHANGED: entry<{ reference: string; schoolCode: string; changed: string[] }>(
    (p) => `"${p.reference}" đã được đăng ký cho ${p.schoolCode} với nội dung khác (${plain(p.changed)}): sửa bài đó trong ứng dụng, hoặc đặt mã mới cho dòng này`,
    (p) => `"${p.reference}" is already registered for ${p.schoolCode} with other content (${plain(p.changed)}): change that entry in the app, or give this row a new reference`,
  ),
  SCHOOL_NOT_YOURS: entry<{ schoolCode: string }>(
    (p) => `"${p.schoolCode}" không phải trường hay tổ chức bạn được đăng ký thay trong kỳ thi này`,
    (p) => `"${p.schoolCode}" is not a school or organisation you may register for in this edition`,
  ),
  OWN_SCHOOL_CANNOT_REGISTER: entry(
    () => 'Trường của bạn không thể đăng ký bài trong kỳ thi này',
    () => 'Your school cannot register entries in this edition',
  ),
  OWN_SCHOOL_OUTSIDE: entry(
    () => 'trường của bạn đã ngừng hoạt động hoặc nằm ngoài kỳ thi này',
    () => 'your school is retired or outside this edition',
  ),
  UNKNOWN_LEVEL_CELL: entry<{ level: string; levels: string[] }>(
    (p) => `không có cấp "${p.level}"; các cấp đã có: ${plain(p.levels)}`,
    (p) => `unknown level "${p.level}"; known levels: ${plain(p.levels)}`,
  ),
  UNIT_CODE_REPEATED: entry<{ code: string; firstRow: number; as?: string }>(
    (p) => `${p.code} đã có ở dòng ${p.firstRow}${p.as === undefined ? '' : ` (là ${p.as}; mã không phân biệt chữ hoa, chữ thường)`}`,
    (p) => `${p.code} already appears on row ${p.firstRow}${p.as === undefined ? '' : ` (as ${p.as}; codes are matched without case)`}`,
  ),
  LEVEL_CHANGE_REFUSED: entry<{ code: string; level: string }>(
    (p) => `${p.code} đã là ${p.level}; nhập tệp không đổi được cấp của đơn vị`,
    (p) => `${p.code} is already a ${p.level}; an import cannot change a unit's level`,
  ),
  NO_PARENT_UNIT: entry<{ parentCode: string }>(
    (p) => `không có đơn vị ${p.parentCode} trong tệp hay trong cơ sở dữ liệu`,
    (p) => `no unit ${p.parentCode} in the file or in the database`,
  ),

  // Who and what (401, 403, 404, 409, 429, 503).
  LOGIN_REQUIRED: entry(
    () => 'Hãy đăng nhập trước: gửi Authorization: Bearer <token>',
    () => 'Log in first: send Authorization: Bearer <token>',
  ),
  TOKEN_INVALID: entry(
    () => 'Mã đăng nhập không hợp lệ hoặc đã hết hạn; hãy đăng nhập lại',
    () => 'The token is invalid or has expired; log in again',
  ),
  TOKEN_REVOKED: entry(
    () => 'Mã đăng nhập đã bị thu hồi, hoặc tài khoản không còn hay đã bị khóa; hãy đăng nhập lại',
    () => 'This token was revoked, or the account no longer exists or is disabled; log in again',
  ),
  WRONG_CREDENTIALS: entry(
    () => 'Sai e-mail hoặc mật khẩu',
    () => 'Wrong e-mail or password',
  ),
  ROLE_FORBIDDEN: entry(
    () => 'Vai trò của bạn không được làm việc này',
    () => 'Your role does not allow this action',
  ),
  NOT_FOUND: entry<{ what: Thing }>(
    (p) => `Không tìm thấy ${THING_VI[p.what]}`,
    (p) => `${p.what} not found`,
  ),
  NOT_IN_SCOPE: entry<{ what: Thing }>(
    (p) => `không có ${THING_VI[p.what]} này trong phạm vi của bạn`,
    (p) => `no such ${p.what.toLowerCase()} in your scope`,
  ),
  MAIL_MESSAGE_NOT_FOUND: entry<{ id: string }>(
    (p) => `Hộp thư phát triển không có thư ${p.id}`,
    (p) => `No message ${p.id} in the development mailbox`,
  ),
  TOO_MANY_LOGIN_ATTEMPTS: entry<{ retryAfterSeconds: number; by: 'address' | 'account' }>(
    (p) => `${p.by === 'address' ? 'Quá nhiều lần đăng nhập sai từ địa chỉ của bạn' : 'Quá nhiều lần đăng nhập sai vào tài khoản này'}; thử lại sau ${p.retryAfterSeconds} giây`,
    (p) => `${p.by === 'address' ? 'Too many failed logins from your address' : 'Too many failed logins for this account'}; try again in ${p.retryAfterSeconds} seconds`,
  ),
  TOO_MANY_REQUESTS: entry<{ retryAfterSeconds: number }>(
    (p) => `Quá nhiều yêu cầu; thử lại sau ${p.retryAfterSeconds} giây`,
    (p) => `Too many requests; try again in ${p.retryAfterSeconds} seconds`,
  ),
  DATABASE_UNAVAILABLE: entry(
    () => 'Cơ sở dữ liệu không trả lời; hãy thử lại sau ít phút',
    () => 'The database is not answering; try again shortly',
  ),
  REDIS_UNAVAILABLE: entry(
    () => 'Redis không trả lời; hãy thử lại sau ít phút',
    () => 'Redis is not answering; try again shortly',
  ),
  SERVER_BUSY: entry<{ retryAfterSeconds: number }>(
    (p) => `Hệ thống đang bận phục vụ nhiều yêu cầu; hãy thử lại sau ${p.retryAfterSeconds} giây`,
    (p) => `The server is busy with other requests; try again in ${p.retryAfterSeconds} seconds`,
  ),
  TEMPORARILY_UNAVAILABLE: entry(
    () => 'Chức năng này tạm thời không dùng được; hãy thử lại sau ít phút',
    () => 'This is unavailable for a moment; try again shortly',
  ),
  EXPORTS_BUSY: entry<{ retryAfterSeconds: number }>(
    (p) => `Đang có nhiều tệp xuất được tạo cùng lúc; thử lại sau ${p.retryAfterSeconds} giây`,
    (p) => `Several exports are being made at once; try again in ${p.retryAfterSeconds} seconds`,
  ),
  LOGIN_UNAVAILABLE: entry(
    () => 'Đăng nhập tạm thời không dùng được; hãy thử lại sau ít phút',
    () => 'Login is unavailable for a moment; try again shortly',
  ),
  NOT_READY: entry<{ services: string[] }>(
    (p) => `Không trả lời: ${plain(p.services)}`,
    (p) => `Not answering: ${plain(p.services)}`,
  ),
  INTERNAL_ERROR: entry(
    () => 'Có lỗi ở phía máy chủ; lỗi đã được ghi lại',
    () => 'Something went wrong on our side; it has been logged',
  ),
  HTTP_ERROR: entry<{ status: number; detail: string }>(
    (p) => `Lỗi HTTP ${p.status}: ${p.detail}`,
    (p) => p.detail,
  ),
  STALE_VERSION: entry<{ what: Thing; expected: number | null; actual: number | null }>(
    (p) => `${THING_VI[p.what][0].toUpperCase()}${THING_VI[p.what].slice(1)} đã được người khác sửa${p.actual === null ? '' : ` (nay là phiên bản ${p.actual})`}; hãy tải lại rồi sửa lại`,
    (p) => `The ${p.what.toLowerCase()} was changed by someone else${p.actual === null ? '' : ` (now version ${p.actual})`}; reload it and apply your change again`,
  ),
  NOT_CURRENT_VERSION: entry(
    () => 'không phải phiên bản hiện tại',
    () => 'is not the current version',
  ),
  IDEMPOTENCY_KEY_REUSED: entry(
    () => 'Idempotency-Key này đã dùng cho một yêu cầu khác',
    () => 'This Idempotency-Key was already used with a different request',
  ),
  IDEMPOTENCY_IN_PROGRESS: entry(
    () => 'Một yêu cầu với Idempotency-Key này đang được xử lý; hãy thử lại sau',
    () => 'A request with this Idempotency-Key is still being processed; retry shortly',
  ),
  IDEMPOTENCY_ANSWER_LOST: entry(
    () => 'Yêu cầu với Idempotency-Key này đã thực hiện nhưng không giữ được câu trả lời: hãy tra kết quả thay vì gửi lại',
    () => 'The request with this Idempotency-Key was carried out, but its answer could not be kept: look the result up instead of retrying',
  ),
  IDEMPOTENCY_LEASE_LOST: entry(
    () => 'Yêu cầu này chạy quá thời hạn của Idempotency-Key và một lần gửi lại đã nhận khóa; yêu cầu này không lưu gì',
    () => 'This request ran past its Idempotency-Key lease and a retry took the key over; nothing was saved by this request',
  ),
  ALREADY_IN_USE: entry(
    () => 'đã được dùng',
    () => 'already in use',
  ),

  // Units and accounts.
  UNIT_CODE_TAKEN: entry<{ code: string }>(
    (p) => `Đã có đơn vị mã ${p.code}`,
    (p) => `A unit with code ${p.code} already exists`,
  ),
  LEVEL_CODE_TAKEN: entry<{ code: string }>(
    (p) => `Đã có cấp mã ${p.code}`,
    (p) => `A level with code ${p.code} already exists`,
  ),
  NO_SUCH_LEVEL: entry<{ levelCode?: string }>(
    (p) => (p.levelCode ? `Không có cấp ${p.levelCode}` : 'không có cấp này'),
    (p) => (p.levelCode ? `There is no level ${p.levelCode}` : 'no such level'),
  ),
  NO_SUCH_UNIT: entry(
    () => 'không có đơn vị này',
    () => 'no such unit',
  ),
  PARENT_MISSING: entry(
    () => 'Đơn vị cha không tồn tại',
    () => 'The parent unit does not exist',
  ),
  NEW_PARENT_MISSING: entry(
    () => 'Đơn vị cha mới không tồn tại',
    () => 'The new parent unit does not exist',
  ),
  UNIT_MISPLACED: entry<{ why: Nested }>(
    (p) => `Đơn vị không thể đặt ở đó: ${nested(p.why, 'vi')}`,
    (p) => `The unit cannot go there: ${nested(p.why, 'en')}`,
  ),
  UNIT_UNDER_ITSELF: entry<{ why: Nested }>(
    (p) => `Đơn vị không thể chuyển vào dưới chính nó: ${nested(p.why, 'vi')}`,
    (p) => `A unit cannot move under itself: ${nested(p.why, 'en')}`,
  ),
  UNIT_OWN_PARENT: entry(
    () => 'đơn vị không thể là cha của chính nó',
    () => 'a unit cannot be its own parent',
  ),
  UNIT_LIES_UNDER: entry<{ parentCode: string; unitCode: string }>(
    (p) => `${p.parentCode} nằm dưới ${p.unitCode}`,
    (p) => `${p.parentCode} lies under ${p.unitCode}`,
  ),
  ROOT_NEEDS_RANK_0: entry<{ level: string }>(
    (p) => `${p.level} cần một đơn vị cha: chỉ cấp hạng 0 mới là gốc`,
    (p) => `a ${p.level} needs a parent unit: only rank-0 levels may be roots`,
  ),
  PARENT_IS_LEAF: entry<{ parentCode: string; parentLevel: string }>(
    (p) => `${p.parentCode} là ${p.parentLevel}, không thể có đơn vị bên dưới`,
    (p) => `${p.parentCode} is a ${p.parentLevel}, which cannot have units under it`,
  ),
  PARENT_RANK_TOO_LOW: entry<{ level: string; rank: number; parentCode: string; parentLevel: string; parentRank: number }>(
    (p) => `${p.level} (hạng ${p.rank}) không thể nằm dưới ${p.parentCode}, một ${p.parentLevel} (hạng ${p.parentRank}): hạng của cha phải nhỏ hơn`,
    (p) => `a ${p.level} (rank ${p.rank}) cannot sit under ${p.parentCode}, a ${p.parentLevel} (rank ${p.parentRank}): the parent's rank must be lower`,
  ),
  PARENT_RETIRED: entry<{ parentCode: string }>(
    (p) => `${p.parentCode} đã ngừng hoạt động: hãy khôi phục trước`,
    (p) => `${p.parentCode} is retired: restore it first`,
  ),
  NAME_OR_CODE_REQUIRED: entry(
    () => 'cần tên mới, mã mới hoặc cả hai',
    () => 'name or code is required',
  ),
  RENAME_NEEDS_CHANGE: entry(
    () => 'Hãy nhập tên mới, mã mới hoặc cả hai',
    () => 'Give a new name, a new code or both',
  ),
  UNIT_ALREADY_RETIRED: entry<{ code: string }>(
    (p) => `${p.code} đã ngừng hoạt động rồi`,
    (p) => `${p.code} is already retired`,
  ),
  UNIT_NOT_RETIRED: entry<{ code: string }>(
    (p) => `${p.code} không ở trạng thái ngừng hoạt động`,
    (p) => `${p.code} is not retired`,
  ),
  RETIRE_OWN_ADMIN: entry<{ code: string }>(
    (p) => `Cho ${p.code} ngừng hoạt động sẽ làm mất quyền quản trị của chính bạn, vốn gắn ở đó`,
    (p) => `Retiring ${p.code} would take away your own administrator role, which is held there`,
  ),
  RESTORE_PARENT_FIRST: entry<{ parentCode: string }>(
    (p) => `${p.parentCode}, đơn vị cha, đã ngừng hoạt động: hãy khôi phục nó trước`,
    (p) => `${p.parentCode}, the parent, is retired: restore it first`,
  ),
  EMAIL_TAKEN: entry<{ email: string }>(
    (p) => `Đã có tài khoản với e-mail ${p.email}`,
    (p) => `A user with e-mail ${p.email} already exists`,
  ),
  WRONG_CURRENT_PASSWORD: entry(
    () => 'Mật khẩu hiện tại không đúng',
    () => 'The current password is wrong',
  ),
  DOES_NOT_MATCH: entry(
    () => 'không khớp',
    () => 'does not match',
  ),
  LAST_ADMIN: entry(
    () => 'Không thể khóa quản trị viên cuối cùng còn hoạt động',
    () => 'The last active administrator cannot be deactivated',
  ),
  LAST_ACTIVE_ADMIN: entry(
    () => 'quản trị viên cuối cùng còn hoạt động',
    () => 'last active administrator',
  ),
  NO_ACTIVE_UNIT: entry(
    () => 'không có đơn vị này đang hoạt động',
    () => 'no such active unit',
  ),
  GRANT_EXISTS: entry<{ role: string; unitCode: string }>(
    (p) => `Tài khoản đã có quyền ${p.role} tại ${p.unitCode}`,
    (p) => `The user already holds ${p.role} at ${p.unitCode}`,
  ),
  REVOKE_OWN_ADMIN: entry(
    () => 'Bạn không thể tự thu hồi quyền quản trị của mình',
    () => 'You cannot revoke your own administrator role',
  ),
  ADMIN_GRANT_AT_ROOT: entry<{ level: string }>(
    (p) => `Quản trị viên làm việc trên mọi đơn vị, nên quyền được cấp ở gốc, không ở một ${p.level}`,
    (p) => `An administrator acts on every unit, so the grant is given at the root, not at a ${p.level}`,
  ),
  NOT_THE_ROOT: entry(
    () => 'không phải gốc',
    () => 'not the root',
  ),
  SCHOOL_GRANT_AT_LEAF: entry<{ role: 'school' | 'organisation'; level: string }>(
    (p) => `Tài khoản ${p.role === 'school' ? 'trường' : 'tổ chức'} phải được cấp tại một trường hoặc tổ chức, không tại một ${p.level}`,
    (p) => `A ${p.role} account must be granted at a school or organisation, not at a ${p.level}`,
  ),
  NOT_A_LEAF_UNIT: entry(
    () => 'không phải đơn vị lá',
    () => 'not a leaf unit',
  ),
  ORGANISER_GRANT_NOT_LEAF: entry<{ level: string }>(
    (p) => `Ban tổ chức phải được cấp tại một đơn vị hành chính, không tại một ${p.level}`,
    (p) => `An organiser must be granted at an administrative unit, not at a ${p.level}`,
  ),
  LEAF_UNIT: entry(
    () => 'đơn vị lá',
    () => 'leaf unit',
  ),

  // Contests and editions.
  EDITION_NUMBER_TAKEN: entry<{ number: number }>(
    (p) => `Cuộc thi đã có lần thứ ${p.number}`,
    (p) => `Edition ${p.number} of this contest already exists`,
  ),
  EDITION_NUMBER_EXISTS: entry<{ number: number }>(
    (p) => `lần thứ ${p.number} đã có trong cuộc thi này`,
    (p) => `edition ${p.number} already exists in this contest`,
  ),
  EDITION_ARCHIVED: entry(
    () => 'Kỳ thi đã được lưu trữ; không thể thay đổi nữa',
    () => 'The edition is archived; it can no longer be changed',
  ),
  EDITION_ALREADY_ARCHIVED: entry(
    () => 'Kỳ thi đã được lưu trữ rồi',
    () => 'The edition is already archived',
  ),
  ARCHIVED: entry(
    () => 'đã lưu trữ',
    () => 'archived',
  ),
  EDITION_CHANGE_UNSAFE: entry<{ state: string; fields: string[] }>(
    (p) => `Kỳ thi đang ở trạng thái ${stateVi(p.state)}; thay đổi này không còn an toàn: ${plain(p.fields)}`,
    (p) => `The edition is in state ${p.state}; this change is no longer safe: ${plain(p.fields)}`,
  ),
  FROZEN_SINCE: entry<{ since: string; state: string }>(
    (p) => `không thể thay đổi khi kỳ thi đã ở trạng thái ${stateVi(p.since)} trở đi (hiện là ${stateVi(p.state)})`,
    (p) => `cannot change once the edition is in state ${p.since} or later (it is ${p.state})`,
  ),
  TRANSITION_REFUSED: entry<{ from: string; to: string }>(
    (p) => `Kỳ thi không thể chuyển từ ${stateVi(p.from)} sang ${stateVi(p.to)}`,
    (p) => `The edition cannot move from ${p.from} to ${p.to}`,
  ),
  ARCHIVED_STAYS: entry(
    () => 'kỳ thi đã lưu trữ: không gì chuyển được nó nữa',
    () => 'the edition is archived: nothing moves it any more',
  ),
  ALREADY_IN_STATE: entry<{ state: string }>(
    (p) => `kỳ thi đã ở trạng thái ${stateVi(p.state)}`,
    (p) => `the edition is already in state ${p.state}`,
  ),
  ONLY_NEXT_STATE: entry<{ from: string; next: string }>(
    (p) => `từ ${stateVi(p.from)} kỳ thi chỉ chuyển được sang ${stateVi(p.next)}`,
    (p) => `from ${p.from} the edition can only move to ${p.next}`,
  ),
  PUBLISH_NOT_IN_STATE: entry<{ state: string }>(
    (p) => `Chỉ công bố danh sách đạt giải khi kỳ thi ở trạng thái ${stateVi('results')}; kỳ thi đang ở trạng thái ${stateVi(p.state)}`,
    (p) => `Prize lists are published only while the edition is in state results; it is in state ${p.state}`,
  ),
  ADVANCE_NOT_IN_STATE: entry<{ state: string }>(
    (p) => `Chỉ chọn sản phẩm lên vòng sau khi kỳ thi ở trạng thái ${stateVi('judging')} hoặc ${stateVi('results')}; kỳ thi đang ở trạng thái ${stateVi(p.state)}`,
    (p) => `Entries go up to the next stage only while the edition is in state judging or results; it is in state ${p.state}`,
  ),
  EDITION_STATE: entry<{ state: string }>(
    (p) => `kỳ thi đang ở trạng thái ${stateVi(p.state)}`,
    (p) => `the edition is in state ${p.state}`,
  ),
  CLOSED_STAYS: entry(
    () => 'kỳ thi đã đóng thì giữ nguyên',
    () => 'a closed edition stays closed',
  ),
  DELETE_ONLY_DRAFT: entry<{ state: string }>(
    (p) => `Chỉ xóa được kỳ thi nháp; kỳ thi này ở trạng thái ${stateVi(p.state)}: hãy lưu trữ nó`,
    (p) => `Only a draft edition can be deleted; this one is in state ${p.state}: archive it instead`,
  ),
  NOT_DRAFT: entry<{ state: string }>(
    (p) => `đang ở trạng thái ${stateVi(p.state)}, không phải nháp`,
    (p) => `is ${p.state}, not draft`,
  ),
  EDITION_CANNOT_RUN: entry<{ fields: string[] }>(
    (p) => `Kỳ thi không thể chạy như đã định nghĩa: ${plain(p.fields)}`,
    (p) => `The edition cannot run as defined: ${plain(p.fields)}`,
  ),
  IN_USE_BY_ENTRIES: entry(
    () => 'Đã có bài dự thi dùng phần mà thay đổi này định xóa',
    () => 'Entries already use what this change would remove',
  ),
  WHOLE_NUMBER_RANGE: entry<{ min: number; max: number; hint?: 'edition-number' | 'authors' | 'plan' }>(
    (p) =>
      `phải là số nguyên từ ${p.min} đến ${p.max}${p.hint === 'edition-number' ? ' (lần thứ của kỳ thi)' : p.hint === 'authors' ? ': bài dự thi có ít nhất một tác giả' : p.hint === 'plan' ? ', hoặc để trống khi không có kế hoạch' : ''}`,
    (p) =>
      `must be a whole number from ${p.min} to ${p.max}${p.hint === 'edition-number' ? ' (the "lần thứ" of the edition)' : p.hint === 'authors' ? ': an entry has at least one author' : p.hint === 'plan' ? ', or empty when there is no plan' : ''}`,
  ),
  SEASON_LABEL_EMPTY: entry(
    () => 'không được để trống (ví dụ "2017" hoặc "2021-2022")',
    () => 'must not be empty (for example "2017" or "2021-2022")',
  ),
  NOT_A_DATE_TIME_VALUE: entry(
    () => 'không phải ngày giờ hợp lệ',
    () => 'is not a valid date and time',
  ),
  WINDOW_ORDER: entry<{ opensAt: string; closesAt: string; timeZone?: string }>(
    (p) => `đăng ký phải đóng sau khi mở, nhưng đóng lúc ${at({ at: p.closesAt, timeZone: p.timeZone })} và mở lúc ${at({ at: p.opensAt, timeZone: p.timeZone })}`,
    (p) => `registration must close after it opens, but it closes at ${enAt({ at: p.closesAt, timeZone: p.timeZone })} and opens at ${enAt({ at: p.opensAt, timeZone: p.timeZone })}`,
  ),
  ELIGIBILITY_KIND: entry<{ contestKind: string; given: string }>(
    (p) => `cuộc thi loại ${p.contestKind} cần điều kiện dự thi loại ${p.contestKind}, không phải "${p.given}"`,
    (p) => `a ${p.contestKind} contest needs ${p.contestKind} eligibility, not "${p.given}"`,
  ),
  DATE_FROM_YEAR: entry<{ earliestYear: number }>(
    (p) => `phải là ngày có thật viết YYYY-MM-DD, từ năm ${p.earliestYear}`,
    (p) => `must be a real date written YYYY-MM-DD, from ${p.earliestYear} on`,
  ),
  BIRTH_WINDOW_ORDER: entry<{ bornFrom: string; bornTo: string }>(
    (p) => `khoảng ngày sinh kết thúc (${formatDate(p.bornTo)}) trước khi bắt đầu (${formatDate(p.bornFrom)})`,
    (p) => `the birth-date window ends (${formatDate(p.bornTo)}) before it starts (${formatDate(p.bornFrom)})`,
  ),
  BORN_AFTER_CLOSE: entry<{ bornFrom: string; closesOn: string }>(
    (p) => `chưa ai sinh từ ${formatDate(p.bornFrom)} trở đi khi đăng ký đóng (${formatDate(p.closesOn)})`,
    (p) => `nobody born on or after ${formatDate(p.bornFrom)} exists yet when registration closes (${formatDate(p.closesOn)})`,
  ),
  CREATED_FROM_YEAR_RANGE: entry<{ earliestYear: number; latest: number | null }>(
    (p) => (p.latest === null ? `phải là năm từ ${p.earliestYear} trở đi` : `phải là năm từ ${p.earliestYear} đến ${p.latest}: giải pháp phải có (đã tạo và áp dụng) trước khi đăng ký đóng`),
    (p) =>
      p.latest === null
        ? `must be a year from ${p.earliestYear} on`
        : `must be a year from ${p.earliestYear} to ${p.latest}: a solution must exist (created and applied) by the time registration closes`,
  ),
  CODE_DUPLICATE: entry<{ code: string; first: string }>(
    (p) => `"${p.code}" đã là mã của ${p.first}; mã phải khác nhau`,
    (p) => `"${p.code}" is already the code of ${p.first}; codes must be unique`,
  ),
  NO_FIELDS: entry(
    () => 'kỳ thi cần ít nhất một lĩnh vực để đăng ký bài dự thi',
    () => 'an edition needs at least one field (lĩnh vực) for entries to be registered in',
  ),
  NO_CRITERIA: entry(
    () => 'thang điểm cần ít nhất một tiêu chí để giám khảo chấm',
    () => 'a rubric needs at least one criterion for judges to score',
  ),
  CRITERION_POINTS: entry<{ max: number }>(
    (p) => `phải lớn hơn 0 và nhiều nhất ${p.max} điểm`,
    (p) => `must be more than 0 and at most ${p.max} points`,
  ),
  POINTS_NOT_NEGATIVE: entry(
    () => 'phải là số điểm, từ 0 trở lên',
    () => 'must be a number of points, 0 or more',
  ),
  POINTS_WITHIN_TOTAL: entry<{ total: number; value?: number }>(
    (p) => `phải từ 0 đến tổng điểm của thang điểm (${p.total} điểm)${p.value === undefined ? '' : `, không phải ${p.value}`}`,
    (p) => `must be between 0 and the rubric total (${p.total} points)${p.value === undefined ? '' : `, not ${p.value}`}`,
  ),
  NO_STAGES: entry(
    () => 'kỳ thi cần ít nhất một vòng',
    () => 'an edition needs at least one stage',
  ),
  JUDGES_PER_ENTRY: entry<{ max: number }>(
    (p) => `vòng có chấm cần số giám khảo mỗi bài là số nguyên từ 1 đến ${p.max}`,
    (p) => `a judged stage needs a whole number of judges per entry from 1 to ${p.max}`,
  ),
  TRIMMED_MEAN_JUDGES: entry<{ min: number; judges: number }>(
    (p) =>
      `trung bình cắt chỉ bỏ tổng cao nhất và thấp nhất khi có từ ${p.min} giám khảo chấm một bài; với ${p.judges} thì luôn là trung bình thường: hãy dự kiến ít nhất ${p.min} giám khảo hoặc dùng "mean"`,
    (p) =>
      `a trimmed mean drops the highest and lowest totals only when ${p.min} or more judges score an entry; with ${p.judges} it would always be a plain mean: plan at least ${p.min} judges or use "mean"`,
  ),
  UNJUDGED_JUDGES: entry(
    () => 'vòng không chấm thì không có giám khảo: đặt 0, hoặc cho vòng có chấm',
    () => 'an unjudged stage has no judges: set 0, or make the stage judged',
  ),
  UNJUDGED_SPREAD: entry(
    () => 'chỉ vòng có chấm mới so sánh tổng điểm giữa các giám khảo: để trống, hoặc cho vòng có chấm',
    () => "only judged stages compare judges' totals: leave it empty, or make the stage judged",
  ),
  UNJUDGED_TIE_BREAK: entry(
    () => 'chỉ vòng có chấm mới xếp hạng theo điểm: để trống, hoặc cho vòng có chấm',
    () => 'only judged stages rank entries by score: leave it empty, or make the stage judged',
  ),
  UNJUDGED_PRIZES: entry(
    () => 'giải được trao theo điểm nhưng vòng này không chấm: bỏ cơ cấu giải, hoặc cho vòng có chấm',
    () => 'prizes are awarded by score, but this stage is not judged: remove the prize scheme, or make the stage judged',
  ),
  NO_SUCH_UNIT_LEVEL: entry<{ levelCode: string; levels: string[] }>(
    (p) => `không có cấp đơn vị "${p.levelCode}" (các cấp: ${list(p.levels)})`,
    (p) => `there is no unit level "${p.levelCode}" (levels: ${list(p.levels)})`,
  ),
  FIRST_STAGE_TOO_HIGH: entry<{ levelCode: string }>(
    (p) => `vòng đầu chạy ở "${p.levelCode}", cao hơn đơn vị tổ chức kỳ thi: bài dự thi bắt đầu từ đơn vị đó trở xuống`,
    (p) => `the first stage runs at "${p.levelCode}", above the unit that runs the edition: entries start at or below that unit`,
  ),
  LEAF_LEVEL_LATER_STAGE: entry<{ levelCode: string }>(
    (p) => `"${p.levelCode}" là cấp lá (trường, tổ chức), không có gì bên dưới gửi bài lên: chỉ vòng đầu được chạy ở đó`,
    (p) => `"${p.levelCode}" is a leaf level (schools, organisations) with nothing below it to send entries up: only the first stage may run there`,
  ),
  STAGES_MUST_CLIMB: entry<{ levelCode: string; previousLevelCode: string; previous: number }>(
    (p) => `các vòng phải đi lên cây đơn vị, nhưng "${p.levelCode}" không cao hơn "${p.previousLevelCode}" của stages[${p.previous}]`,
    (p) => `stages must climb the unit tree, but "${p.levelCode}" is not above "${p.previousLevelCode}" of stages[${p.previous}]`,
  ),
  NOT_A_CRITERION: entry<{ code: string; criteria: string[] }>(
    (p) => `"${p.code}" không phải tiêu chí của thang điểm (các tiêu chí: ${list(p.criteria)})`,
    (p) => `"${p.code}" is not a rubric criterion (criteria: ${list(p.criteria)})`,
  ),
  TIE_BREAK_REPEATED: entry<{ code: string }>(
    (p) => `"${p.code}" đã có trong danh sách: mỗi tiêu chí phân định hòa một lần`,
    (p) => `"${p.code}" is already listed: each criterion breaks ties once`,
  ),
  ADVANCEMENT_MISSING: entry<{ next: number; levelCode: string }>(
    (p) => `bài dự thi cần đường lên stages[${p.next}] ("${p.levelCode}"): hãy đặt quy tắc chọn lên vòng (chỉ vòng cuối được không có)`,
    (p) => `entries need a way up to stages[${p.next}] ("${p.levelCode}"): set an advancement rule (only the last stage may have none)`,
  ),
  ADVANCEMENT_ON_LAST: entry(
    () => 'vòng cuối không có vòng nào bên trên để gửi bài lên: bỏ quy tắc chọn lên vòng, hoặc thêm vòng tiếp theo',
    () => 'the last stage has no stage above it to send entries to: remove the advancement rule, or add the next stage',
  ),
  ADVANCEMENT_NEEDS_SCORES: entry<{ kind: string }>(
    (p) => `"${p.kind}" xếp bài theo điểm nhưng vòng này không chấm: dùng "pick"`,
    (p) => `"${p.kind}" ranks entries by score, but this stage is not judged: use "pick"`,
  ),
  COUNT_PER_UNIT: entry(
    () => 'phải là số nguyên bài mỗi đơn vị, từ 1 trở lên',
    () => 'must be a whole number of entries per unit, 1 or more',
  ),
  PERCENT_RANGE: entry(
    () => 'phải lớn hơn 0 và nhiều nhất 100',
    () => 'must be more than 0 and at most 100',
  ),
  PER_FIELD_CAP: entry(
    () => 'phải là số nguyên bài mỗi lĩnh vực, từ 1 trở lên (bỏ trống nếu không giới hạn)',
    () => 'must be a whole number of entries per field, 1 or more (leave it out for no cap)',
  ),
  NO_PRIZE_LEVELS: entry(
    () => 'cơ cấu giải cần ít nhất một mức giải',
    () => 'a prize scheme needs at least one prize level',
  ),
  QUOTA_COUNT: entry(
    () => 'số giải phải là số nguyên từ 0 trở lên (0 để trống mức giải)',
    () => 'a count of prizes must be a whole number, 0 or more (0 leaves the level empty)',
  ),
  QUOTA_SHARE: entry(
    () => 'tỉ lệ bài dự thi phải từ 0 đến 1 (0.1 là 10%)',
    () => 'a share of the entries must be between 0 and 1 (0.1 is 10%)',
  ),
  PRIZE_MONEY: entry(
    () => 'phải là số nguyên đồng, từ 0 trở lên',
    () => 'must be a whole number of VND, 0 or more',
  ),
  SHARES_OVER_ONE: entry<{ total: string }>(
    (p) => `tổng các tỉ lệ là ${p.total}: nhiều giải hơn số bài`,
    (p) => `the shares add up to ${p.total}: more prizes than entries`,
  ),
  PRIZE_MINIMUM_ORDER: entry<{ code: string; nextCode: string; minScore: number; nextMinScore: number }>(
    (p) => `"${p.code}" xếp trên "${p.nextCode}" nhưng đòi điểm tối thiểu thấp hơn (${p.minScore} < ${p.nextMinScore}): bài nằm giữa hai mức đạt "${p.code}" mà không đạt "${p.nextCode}"`,
    (p) => `"${p.code}" ranks above "${p.nextCode}" but asks a lower minimum (${p.minScore} < ${p.nextMinScore}): entries between the two reach "${p.code}" without reaching "${p.nextCode}"`,
  ),
  UNKNOWN_ENTRY: entry<{ entryId: string }>(
    () => 'bài dự thi này không ở vòng này tại đơn vị này',
    () => 'this entry is not in the stage at this unit',
  ),
  DUPLICATE_PICK: entry<{ entryId: string }>(
    () => 'bài dự thi này đã được chọn',
    () => 'this entry is already picked',
  ),
  FIELD_CAP_EXCEEDED: entry<{ entryId: string; fieldCode: string; cap: number }>(
    (p) => `lĩnh vực ${p.fieldCode} chỉ được gửi lên nhiều nhất ${p.cap} bài`,
    (p) => `at most ${p.cap} entries of field ${p.fieldCode} may go up`,
  ),
  QUOTA_EXCEEDED: entry<{ entryId: string; count: number }>(
    (p) => `chỉ được chọn tối đa ${p.count} sản phẩm`,
    (p) => `at most ${p.count} entries may be picked`,
  ),
  BELOW_THRESHOLD: entry<{ entryId: string; minScore: number }>(
    (p) => `dưới ngưỡng ${p.minScore} điểm của vòng`,
    (p) => `below the stage's threshold of ${p.minScore} points`,
  ),
  ONLY_UNJUDGED_PICK_WINDOW: entry(
    () => 'chỉ vòng không chấm điểm mới có thời gian chọn',
    () => 'only an unjudged stage has a pick window',
  ),
  STAGE_IS_JUDGED: entry<{ stage: string }>(
    (p) => `Vòng "${p.stage}" được chấm điểm; trường không tự chọn sản phẩm`,
    (p) => `The stage "${p.stage}" is judged; schools do not pick its entries`,
  ),

  // Registration.
  WINDOW_NOT_OPEN: entry<{ opensAt: string; timeZone?: string }>(
    (p) => `Đăng ký mở lúc ${at({ at: p.opensAt, timeZone: p.timeZone })}`,
    (p) => `Registration opens on ${enAt({ at: p.opensAt, timeZone: p.timeZone })}`,
  ),
  WINDOW_CLOSED: entry<{ closedAt: string; timeZone?: string }>(
    (p) => `Đăng ký đã đóng lúc ${at({ at: p.closedAt, timeZone: p.timeZone })}`,
    (p) => `Registration closed on ${enAt({ at: p.closedAt, timeZone: p.timeZone })}`,
  ),
  REGISTRATION_ARCHIVED: entry(
    () => 'Không thể đăng ký: kỳ thi đã được lưu trữ',
    () => 'Registration is not possible: the edition is archived',
  ),
  REGISTRATION_DRAFT: entry(
    () => 'Không thể đăng ký: kỳ thi vẫn là bản nháp, ban tổ chức chưa mở đăng ký',
    () => 'Registration is not possible: the edition is still a draft: its organisers have not opened registration',
  ),
  REGISTRATION_OVER: entry<{ state: string }>(
    (p) => `Không thể đăng ký: đã hết giai đoạn đăng ký, kỳ thi ở trạng thái ${stateVi(p.state)}`,
    (p) => `Registration is not possible: registration is over: the edition is in state ${p.state}`,
  ),
  ENTRY_WITHDRAWN: entry(
    () => 'Bài dự thi đã rút; không thể thay đổi nữa',
    () => 'The entry was withdrawn; it can no longer be changed',
  ),
  WITHDRAWN: entry(
    () => 'đã rút',
    () => 'withdrawn',
  ),
  REFERENCE_TAKEN: entry<{ reference: string }>(
    (p) => `Trường này đã có bài dự thi mã "${p.reference}" trong kỳ thi này`,
    (p) => `This school already has an entry with reference "${p.reference}" in this edition`,
  ),
  REFERENCE_USED: entry(
    () => 'đã được dùng cho bài khác của trường trong kỳ thi này',
    () => 'already used by another entry of this school in this edition',
  ),
  ENTRY_BREAKS_RULES: entry<{ count: number }>(
    (p) => `Bài dự thi vi phạm thể lệ cuộc thi (${p.count} lỗi, xem details.problems)`,
    (p) => `The entry breaks the contest rules (${p.count} problem${p.count === 1 ? '' : 's'}, see details.problems)`,
  ),
  NOT_A_FIELD: entry<{ fieldCode: string; fields: string[] }>(
    (p) => `"${p.fieldCode}" không phải lĩnh vực của kỳ thi này (${plain(p.fields)})`,
    (p) => `"${p.fieldCode}" is not a field of this edition (${plain(p.fields)})`,
  ),
  NO_AUTHORS: entry(
    () => 'bài dự thi cần ít nhất một tác giả',
    () => 'an entry needs at least one author',
  ),
  TOO_MANY_AUTHORS: entry<{ max: number; count: number }>(
    (p) => `mỗi bài nhiều nhất ${p.max} tác giả, bài này có ${p.count}`,
    (p) => `at most ${p.max} authors per entry, got ${p.count}`,
  ),
  BIRTH_DATE_REQUIRED: entry<{ index: number; author: string | null }>(
    (p) => `${authorVi(p)}: cuộc thi thanh thiếu niên bắt buộc có ngày sinh`,
    (p) => `${authorEn(p)}: birth date is required in the youth contest`,
  ),
  BIRTH_DATE_INVALID: entry<{ index: number; author: string | null; birthDate: string }>(
    (p) => `${authorVi(p)}: "${p.birthDate}" không phải ngày (YYYY-MM-DD)`,
    (p) => `${authorEn(p)}: "${p.birthDate}" is not a date (YYYY-MM-DD)`,
  ),
  AUTHOR_TOO_OLD: entry<{ index: number; author: string | null; birthDate: string; bornFrom: string; bornTo: string }>(
    (p) => `${authorVi(p)}: sinh ngày ${formatDate(p.birthDate)}, ngoài khoảng được dự thi ${formatDate(p.bornFrom)} – ${formatDate(p.bornTo)}`,
    (p) => `${authorEn(p)}: born ${formatDate(p.birthDate)}, outside the eligible window ${formatDate(p.bornFrom)} – ${formatDate(p.bornTo)}`,
  ),
  AUTHOR_TOO_YOUNG: entry<{ index: number; author: string | null; birthDate: string; bornFrom: string; bornTo: string }>(
    (p) => `${authorVi(p)}: sinh ngày ${formatDate(p.birthDate)}, ngoài khoảng được dự thi ${formatDate(p.bornFrom)} – ${formatDate(p.bornTo)}`,
    (p) => `${authorEn(p)}: born ${formatDate(p.birthDate)}, outside the eligible window ${formatDate(p.bornFrom)} – ${formatDate(p.bornTo)}`,
  ),
  CREATED_YEAR_REQUIRED: entry(
    () => 'cuộc thi kỹ thuật bắt buộc ghi năm tạo ra giải pháp',
    () => 'the year the solution was created is required in the technical contest',
  ),
  CREATED_TOO_EARLY: entry<{ createdFromYear: number; year: number }>(
    (p) => `giải pháp phải được tạo ra từ năm ${p.createdFromYear} trở đi, bài này ghi ${p.year}`,
    (p) => `solutions must have been created in ${p.createdFromYear} or later, got ${p.year}`,
  ),
  CREATED_IN_FUTURE: entry<{ year: number }>(
    (p) => `${p.year} là năm trong tương lai`,
    (p) => `${p.year} is in the future`,
  ),
  NOT_A_REGISTERING_UNIT: entry<{ level: string }>(
    (p) => `Bài dự thi do trường hoặc tổ chức đăng ký, không phải một ${p.level}`,
    (p) => `Entries are registered by a school or organisation, not by a ${p.level}`,
  ),
  NOT_SCHOOL_OR_ORGANISATION: entry(
    () => 'không phải trường hay tổ chức',
    () => 'not a school or organisation',
  ),
  UNIT_RETIRED_CANNOT_REGISTER: entry<{ name: string }>(
    (p) => `${p.name} đã ngừng hoạt động nên không thể đăng ký bài`,
    (p) => `${p.name} is retired and cannot register entries`,
  ),
  RETIRED_UNIT: entry(
    () => 'đơn vị đã ngừng hoạt động',
    () => 'retired unit',
  ),
  UNIT_ID_REQUIRED: entry(
    () => 'là bắt buộc khi đăng ký thay một trường',
    () => 'required when registering on behalf of a school',
  ),
  SEVERAL_SCHOOLS: entry(
    () => 'bạn giữ nhiều tài khoản trường: hãy chọn trường đăng ký',
    () => 'you hold several school accounts: say which one registers',
  ),
  NO_STAGE_RUNNER: entry<{ levelCode: string; stageName: string }>(
    (p) => `Không có đơn vị cấp "${p.levelCode}" tổ chức vòng "${p.stageName}" cho trường này`,
    (p) => `No unit at level "${p.levelCode}" runs the stage "${p.stageName}" for this school`,
  ),
  NO_ANCESTOR_AT_LEVEL: entry<{ levelCode: string }>(
    (p) => `trường không có đơn vị cấp trên ở cấp "${p.levelCode}"`,
    (p) => `the school has no ancestor at level "${p.levelCode}"`,
  ),
  DOSSIER_FULL: entry<{ max: number; count: number }>(
    (p) => `Hồ sơ có nhiều nhất ${p.max} tệp và hồ sơ này đã có ${p.count}; hãy xóa bớt một tệp trước`,
    (p) => `A dossier holds at most ${p.max} files and this one has ${p.count}; remove one first`,
  ),
  TOO_MANY_FILES_SHORT: entry(
    () => 'quá nhiều tệp',
    () => 'too many files',
  ),
  // Database constraints a change broke (core/database/constraint-errors.ts).
  STILL_REFERENCED: entry<{ why: Nested }>(
    (p) => `Không thể xóa hay đổi: ${nested(p.why, 'vi')}`,
    (p) => `This cannot be removed or changed: ${nested(p.why, 'en')}`,
  ),
  ALREADY_TAKEN: entry<{ field: string; why: Nested }>(
    (p) => `Giá trị đã được dùng: ${p.field} ${nested(p.why, 'vi')}`,
    (p) => `This is already taken: ${p.field} ${nested(p.why, 'en')}`,
  ),
  ENTRIES_IN_FIELD: entry(
    () => 'đã có bài dự thi đăng ký ở lĩnh vực này',
    () => 'entries are registered in this field',
  ),
  ENTRIES_IN_EDITION: entry(
    () => 'đã có bài dự thi đăng ký ở kỳ thi này',
    () => 'entries are registered in this edition',
  ),
  ENTRIES_OF_UNIT: entry(
    () => 'đơn vị này đã đăng ký bài dự thi',
    () => 'entries are registered by this unit',
  ),
  ENTRIES_AT_STAGE: entry(
    () => 'đã có bài dự thi vào vòng này',
    () => 'entries have reached this stage',
  ),
  UNIT_RUNS_STAGE: entry(
    () => 'đơn vị này tổ chức một vòng đang có bài dự thi',
    () => 'this unit runs a stage that holds entries',
  ),
  CONTESTS_OF_UNIT: entry(
    () => 'đơn vị này tổ chức cuộc thi',
    () => 'contests are run by this unit',
  ),
  EDITIONS_AT_UNIT: entry(
    () => 'có kỳ thi tổ chức tại đơn vị này',
    () => 'editions are run at this unit',
  ),
  GRANTS_AT_UNIT: entry(
    () => 'có tài khoản giữ quyền tại đơn vị này',
    () => 'accounts hold roles at this unit',
  ),
  UNITS_UNDER_UNIT: entry(
    () => 'có đơn vị trực thuộc đơn vị này',
    () => 'units lie under this unit',
  ),
  ACCOUNT_REGISTERED_ENTRIES: entry(
    () => 'tài khoản này đã đăng ký bài dự thi',
    () => 'this account registered entries',
  ),
  ACCOUNT_UPLOADED_FILES: entry(
    () => 'tài khoản này đã tải lên tệp hồ sơ',
    () => 'this account uploaded dossier files',
  ),
  STAGES_AT_LEVEL: entry(
    () => 'có vòng thi tổ chức ở cấp này',
    () => 'stages run at this level',
  ),
  TAKEN_BY_UNIT: entry(
    () => 'đã được một đơn vị khác dùng',
    () => 'already in use by another unit',
  ),
  TAKEN_BY_ACCOUNT: entry(
    () => 'đã được một tài khoản khác dùng',
    () => 'already in use by another account',
  ),
  ROLE_ALREADY_HELD: entry(
    () => 'tài khoản đã có quyền này tại đơn vị này',
    () => 'the account already holds this role at this unit',
  ),
  EDITION_NUMBER_TAKEN_SHORT: entry(
    () => 'cuộc thi đã có kỳ thi mang số này',
    () => 'this contest already has an edition with this number',
  ),
  FIELD_CODE_TWICE: entry(
    () => 'hai lĩnh vực trùng mã',
    () => 'two fields share a code',
  ),
  CRITERION_CODE_TWICE: entry(
    () => 'hai tiêu chí trùng mã',
    () => 'two criteria share a code',
  ),
  STAGE_LEVEL_TWICE: entry(
    () => 'hai vòng thi cùng một cấp',
    () => 'two stages run at the same level',
  ),
  AUTHOR_POSITION_TWICE: entry(
    () => 'hai tác giả trùng vị trí',
    () => 'two authors share a position',
  ),
  ENTRY_ALREADY_AT_STAGE: entry(
    () => 'bài dự thi đã ở vòng này',
    () => 'the entry is already in this stage',
  ),
  FIELD_KEPT: entry<{ code: string; name: string; why: Nested }>(
    (p) => `không xóa được lĩnh vực "${p.code}" (${p.name}): ${nested(p.why, 'vi')}; hãy giữ hoặc đổi tên`,
    (p) => `field "${p.code}" (${p.name}) cannot be removed: ${nested(p.why, 'en')}; keep it or rename it`,
  ),
  STAGE_KEPT: entry<{ levelCode: string; name: string; why: Nested }>(
    (p) => `không xóa được vòng ở cấp "${p.levelCode}" (${p.name}): ${nested(p.why, 'vi')}`,
    (p) => `the stage at level "${p.levelCode}" (${p.name}) cannot be removed: ${nested(p.why, 'en')}`,
  ),
  FROZEN_BY_SCORES: entry<{ level: string }>(
    (p) => `không đổi được khi vòng ở cấp ${p.level} đã có điểm xác nhận`,
    (p) => `cannot change once the stage at level ${p.level} has confirmed scores`,
  ),

  // Accounts, password links and access (main's additions).
  TOO_MANY_PASSWORD_ATTEMPTS: entry<{ retryAfterSeconds: number }>(
    (p) => `Quá nhiều lần nhập sai mật khẩu hiện tại; thử lại sau ${p.retryAfterSeconds} giây`,
    (p) => `Too many wrong current passwords; try again in ${p.retryAfterSeconds} seconds`,
  ),
  GRANT_REQUIRED_FOR_NEW_ACCOUNT: entry(
    () => 'Tài khoản bạn tạo cần một quyền trong phạm vi của bạn: gửi grant { role, unitId }',
    () => 'An account you create needs its role in your area: send grant { role, unitId }',
  ),
  REQUIRED_WHEN_ORGANISER_CREATES: entry(
    () => 'là bắt buộc khi ban tổ chức tạo tài khoản',
    () => 'required when an organiser creates an account',
  ),
  ADMIN_GRANTS_ADMIN: entry(
    () => 'Chỉ quản trị viên được cấp quyền quản trị',
    () => 'Only administrators grant the administrator role',
  ),
  NO_ACTIVE_UNIT_IN_AREA: entry(
    () => 'không có đơn vị đang hoạt động này trong phạm vi của bạn',
    () => 'no such active unit in your area',
  ),
  TOO_MANY_RESET_REQUESTS: entry(
    () => 'Quá nhiều yêu cầu đặt lại mật khẩu từ địa chỉ của bạn; hãy thử lại sau',
    () => 'Too many password reset requests from your address; try again later',
  ),
  LINK_INVALID: entry(
    () => 'Đường dẫn không hợp lệ, đã dùng hoặc đã hết hạn; hãy yêu cầu đường dẫn mới',
    () => 'The link is invalid, used or expired; ask for a new one',
  ),
  LINK_INVALID_SHORT: entry(
    () => 'không hợp lệ, đã dùng hoặc đã hết hạn',
    () => 'invalid, used or expired',
  ),

  // Entries (main's additions).
  HISTORICAL_NOT_HERE: entry<{ why: Nested }>(
    (p) => `Không thể ghi nhận mùa thi cũ ở đây: ${nested(p.why, 'vi')}`,
    (p) => `A past season cannot be recorded here: ${nested(p.why, 'en')}`,
  ),
  HISTORICAL_ARCHIVED: entry(
    () => 'kỳ thi đã lưu trữ',
    () => 'the edition is archived',
  ),
  HISTORICAL_TOO_EARLY: entry<{ state: string }>(
    (p) => `kỳ thi đang ở trạng thái ${stateVi(p.state)}; mùa thi cũ chỉ được ghi nhận khi đã có kết quả hoặc đã đóng`,
    (p) => `the edition is in state ${p.state}; past seasons are recorded once it has reached results or closed`,
  ),
  ONLY_EXAMPLE_ROW: entry<{ reference: string }>(
    (p) => `Tệp chỉ có dòng ví dụ của mẫu (mã ${p.reference}), dòng này không bao giờ được đăng ký: hãy thêm bài dự thi bên dưới`,
    (p) => `The file holds only the template's example row (reference ${p.reference}), which is never registered: add your entries under it`,
  ),
  EXAMPLE_ROW_MARK: entry<{ reference: string }>(
    (p) => `${p.reference} đánh dấu dòng ví dụ của mẫu`,
    (p) => `${p.reference} marks the template's example row`,
  ),
  AUTHORS_TWO_WAYS: entry(
    () => 'ghi tác giả hoặc ở các cột author1_name, author2_name… hoặc ở các cột danh sách của tệp xuất, không cả hai',
    () => 'give the authors either in author1_name, author2_name… columns or in the list columns of an export, not both',
  ),
  UNIT_MOVE_BLOCKED: entry<{ unitCode: string; why: Nested }>(
    (p) => `${p.unitCode} không thể chuyển: ${nested(p.why, 'vi')}`,
    (p) => `${p.unitCode} cannot move: ${nested(p.why, 'en')}`,
  ),
  UNIT_MOVE_THERE_BLOCKED: entry<{ unitCode: string; why: Nested }>(
    (p) => `${p.unitCode} không thể chuyển đến đó: ${nested(p.why, 'vi')}`,
    (p) => `${p.unitCode} cannot move there: ${nested(p.why, 'en')}`,
  ),
  ENTRIES_IN_FLIGHT: entry<{ count: number; unitCode: string; states: string[] }>(
    (p) => `${p.count} bài dự thi thuộc ${p.unitCode} đang ở kỳ thi trạng thái ${p.states.map(stateVi).join(' hoặc ')}; hãy chuyển khi kết quả của chúng đã đóng`,
    (p) => `${p.count} ${p.count === 1 ? 'entry' : 'entries'} under ${p.unitCode} ${p.count === 1 ? 'is' : 'are'} in editions in state ${p.states.join(' or ')}; move it once their results are closed`,
  ),
  ENTRIES_UNPLACED: entry<{ count: number; unitCode: string }>(
    (p) => `${p.count} bài dự thi thuộc ${p.unitCode} sẽ không còn đơn vị tổ chức vòng đầu ở vị trí mới`,
    (p) => `${p.count} ${p.count === 1 ? 'entry' : 'entries'} under ${p.unitCode} would have no unit to run their first stage at the new place`,
  ),
  NOT_REGISTERING_NOR_RUNNING_UNIT: entry(
    () => 'không phải trường hay tổ chức, cũng không phải đơn vị tổ chức kỳ thi',
    () => 'not a school or organisation, nor the unit that runs the edition',
  ),

  // Judging (src/judging).
  PANEL_CANNOT_FORM: entry(
    () => 'Không lập được hội đồng giám khảo',
    () => 'The panel cannot be formed',
  ),
  FIELD_HAS_PANEL: entry<{ panel: string }>(
    (p) => `Lĩnh vực đã có hội đồng "${p.panel}"`,
    (p) => `A panel of this stage and unit already scores one of these fields ("${p.panel}")`,
  ),
  SCORED_BY_PANEL: entry<{ panel: string }>(
    (p) => `đã được hội đồng "${p.panel}" chấm`,
    (p) => `already scored by panel "${p.panel}"`,
  ),
  NO_ACCOUNT_UNDER_PANEL: entry(
    () => 'không có tài khoản đang hoạt động có quyền tại hoặc dưới đơn vị của hội đồng',
    () => 'no active account with a grant at or under the panel’s unit',
  ),
  ALREADY_ON_PANEL: entry(
    () => 'Người này đã ở trong hội đồng',
    () => 'Already on the panel',
  ),
  ALREADY_PANEL_ROLE: entry<{ role: string }>(
    (p) => `đã là ${p.role === 'chair' ? 'trưởng ban' : 'giám khảo'} của hội đồng`,
    (p) => `already ${p.role} of the panel`,
  ),
  PANEL_HAS_CHAIR: entry(
    () => 'Hội đồng đã có trưởng ban',
    () => 'The panel already has a chair',
  ),
  NOT_PANEL_JUDGE: entry(
    () => 'không phải giám khảo của hội đồng này',
    () => 'not a judge of this panel',
  ),
  NOT_PANEL_ENTRY: entry(
    () => 'không phải bài dự thi của hội đồng này',
    () => 'not an entry of this panel',
  ),
  SHEET_CONFIRMED_CHAIR_REOPENS: entry(
    () => 'Phiếu đã xác nhận; chỉ trưởng ban mở lại được',
    () => 'The sheet is confirmed: only the chair can reopen it',
  ),
  SHEET_ALREADY_CONFIRMED: entry(
    () => 'Phiếu đã được xác nhận',
    () => 'The sheet is already confirmed',
  ),
  SHEET_CONFIRMED_BEFORE_CONFLICT: entry(
    () => 'Phiếu đã xác nhận; báo trưởng ban để mở lại trước khi khai báo xung đột',
    () => 'The sheet is confirmed; ask the chair to reopen it before declaring a conflict',
  ),
  SHEET_NOT_CONFIRMED: entry(
    () => 'Phiếu chưa xác nhận, không cần mở lại',
    () => 'The sheet is not confirmed',
  ),
  SHEET_STATUS: entry<{ status: string }>(
    (p) => `phiếu ${{ confirmed: 'đã xác nhận', draft: 'đang nháp', assigned: 'chưa chấm' }[p.status] ?? p.status}`,
    (p) => `the sheet is ${p.status}`,
  ),
  SCORES_INVALID: entry<{ fields: string[] }>(
    (p) => `Điểm không hợp lệ: ${plain(p.fields)}`,
    (p) => `Invalid scores: ${plain(p.fields)}`,
  ),
  SHEET_INCOMPLETE: entry<{ fields: string[] }>(
    (p) => `Phiếu chưa đủ điểm để xác nhận: ${plain(p.fields)}`,
    (p) => `The sheet lacks scores to be confirmed: ${plain(p.fields)}`,
  ),
  NO_OPEN_FLAG: entry(
    () => 'Bài này không có chênh lệch điểm nào đang chờ xử lý',
    () => 'The entry has no open flag',
  ),
  NO_OPEN_FLAG_SHORT: entry(
    () => 'không có chênh lệch điểm đang mở',
    () => 'no open flag',
  ),
  PANEL_ALREADY_CLOSED: entry(
    () => 'Hội đồng đã kết thúc',
    () => 'The panel is already closed',
  ),
  PANEL_CANNOT_CLOSE: entry(
    () => 'Chưa kết thúc được hội đồng',
    () => 'The panel cannot close yet',
  ),
  PANEL_IS_OPEN: entry(
    () => 'Hội đồng đang mở',
    () => 'The panel is open',
  ),
  PANEL_STATE: entry<{ state: string }>(
    (p) => `hội đồng ${p.state === 'closed' ? 'đã kết thúc' : 'đang mở'}`,
    (p) => `the panel is ${p.state}`,
  ),
  OUTSIDE_SCORING_WINDOW: entry<{ opensAt: string; closesAt: string }>(
    (p) => `Ngoài thời gian chấm của hội đồng (${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} – ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)})`,
    (p) => `Outside the scoring window (${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} – ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)}, ${DEFAULT_TIME_ZONE})`,
  ),
  SCORING_WINDOW: entry<{ opensAt: string; closesAt: string }>(
    (p) => `thời gian chấm từ ${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} đến ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)}`,
    (p) => `scoring runs from ${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} to ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)} (${DEFAULT_TIME_ZONE})`,
  ),
  PANEL_CLOSED: entry(
    () => 'Hội đồng đã kết thúc chấm; chỉ trưởng ban mở lại được',
    () => 'The panel is closed; only the chair can reopen it',
  ),
  CLOSED: entry(
    () => 'đã kết thúc',
    () => 'closed',
  ),
  STALE_SHEET: entry<{ sent: number; current: number }>(
    (p) => `Phiếu chấm đã thay đổi (phiên bản ${p.current}, bạn gửi ${p.sent}); tải lại rồi nhập lại`,
    (p) => `The sheet changed since you read it (version ${p.current}, you sent ${p.sent}); reload and enter again`,
  ),
  ASSIGNMENT_INFEASIBLE: entry<{ why: Nested[] }>(
    (p) => `Không phân công được: ${p.why.map((w) => nested(w, 'vi')).join('; ')}`,
    (p) => `The judges cannot be assigned: ${p.why.map((w) => nested(w, 'en')).join('; ')}`,
  ),
  NOT_ENOUGH_JUDGES: entry<{ activeJudges: number; needed: number }>(
    (p) => `hội đồng có ${p.activeJudges} giám khảo đang hoạt động, mỗi bài cần ${p.needed}`,
    (p) => `the panel has ${p.activeJudges} active judge${p.activeJudges === 1 ? '' : 's'}, ${p.needed} are needed per entry`,
  ),
  NOT_ENOUGH_ELIGIBLE_JUDGES: entry<{ field: string; eligible: number; needed: number; activeJudges: number; affiliated: number; recorded: number; entryIds: string[] }>(
    (p) =>
      `lĩnh vực ${p.field} có ${p.eligible} giám khảo đủ điều kiện, mỗi bài cần ${p.needed} (${p.entryIds.length === 1 ? `bài ${p.entryIds[0]}` : `${p.entryIds.length} bài`}; ` +
      `trong ${p.activeJudges} giám khảo, ${[p.affiliated ? `${p.affiliated} thuộc đơn vị của bài hoặc đơn vị cấp trên dưới vòng thi` : '', p.recorded ? `${p.recorded} có xung đột đã khai báo` : ''].filter(Boolean).join(' và ')})`,
    (p) =>
      `field ${p.field} has ${p.eligible} eligible judge${p.eligible === 1 ? '' : 's'}, ${p.needed} ${p.needed === 1 ? 'is' : 'are'} needed per entry ` +
      `(${p.entryIds.length === 1 ? `entry ${p.entryIds[0]}` : `${p.entryIds.length} entries`}; of ${p.activeJudges} active judges, ` +
      `${[p.affiliated ? `${p.affiliated} ${p.affiliated === 1 ? 'is' : 'are'} affiliated with the entry's unit or a unit above it below the stage` : '', p.recorded ? `${p.recorded} ${p.recorded === 1 ? 'has' : 'have'} a recorded conflict` : ''].filter(Boolean).join(' and ')})`,
  ),
  CONFIRMED_BEYOND_K: entry<{ entryIds: string[]; confirmed: number; needed: number }>(
    (p) => `${p.entryIds.length === 1 ? `bài ${p.entryIds[0]}` : `${p.entryIds.length} bài`} có ${p.confirmed} giám khảo đã xác nhận điểm, nhiều hơn ${p.needed} giám khảo mỗi bài`,
    (p) => `${p.entryIds.length === 1 ? `entry ${p.entryIds[0]} has` : `${p.entryIds.length} entries have`} ${p.confirmed} judges with confirmed scores, more than the ${p.needed} judges per entry`,
  ),
  PIN_CANNOT_HOLD: entry<{ entryIds: string[]; judgeId: string; why: string }>(
    (p) =>
      `giám khảo ${p.judgeId} được chỉ định chấm bài ${p.entryIds[0]} nhưng không thể chấm (${{ affiliation: 'cùng đơn vị với bài', judge_inactive: 'tài khoản đã ngừng', judge_removed: 'không còn trong hội đồng' }[p.why] ?? `xung đột lợi ích: ${p.why}`})`,
    (p) =>
      `judge ${p.judgeId} is pinned to entry ${p.entryIds[0]} but cannot judge it (${{ affiliation: 'affiliated with its unit', judge_inactive: 'account inactive', judge_removed: 'no longer on the panel' }[p.why] ?? `conflict of interest: ${p.why}`})`,
  ),
  PINS_BEYOND_K: entry<{ entryIds: string[]; pinned: number; needed: number }>(
    (p) => `bài ${p.entryIds[0]} có ${p.pinned} giám khảo được chỉ định, nhiều hơn ${p.needed} giám khảo mỗi bài`,
    (p) => `entry ${p.entryIds[0]} has ${p.pinned} pinned judges, more than the ${p.needed} judges per entry`,
  ),
  UNKNOWN_CRITERION: entry<{ known: string[] }>(
    (p) => `tiêu chí không có trong thang điểm (có: ${plain(p.known)})`,
    (p) => `no such rubric criterion; known: ${plain(p.known)}`,
  ),
  POINTS_OUT_OF_RANGE: entry<{ max: number }>(
    (p) => `điểm phải từ 0 đến ${p.max}`,
    (p) => `must be from 0 to ${p.max}`,
  ),
  POINTS_OFF_STEP: entry<{ step: number }>(
    (p) => `điểm phải là bội của ${p.step}`,
    (p) => `must be a multiple of ${p.step}`,
  ),
  CRITERION_UNSCORED: entry(
    () => 'chưa chấm tiêu chí này',
    () => 'a confirmed sheet needs every criterion',
  ),
  ENTRIES_LACK_SCORES: entry<{ count: number; needed: number; entryIds: string[] }>(
    (p) => `${p.count} bài chưa đủ ${p.needed} điểm đã xác nhận: ${plain(p.entryIds)}`,
    (p) => `${p.count} entries lack ${p.needed} confirmed scores: ${plain(p.entryIds)}`,
  ),
  OPEN_FLAGS: entry<{ count: number; entryIds: string[] }>(
    (p) => `${p.count} bài còn chênh lệch điểm chưa xử lý: ${plain(p.entryIds)}`,
    (p) => `${p.count} open discrepancy flags: ${plain(p.entryIds)}`,
  ),

  // Results (src/results).
  CLOSES_BEFORE_OPENS: entry(
    () => 'phải sau opensAt',
    () => 'must come after opensAt',
  ),
  WINDOW_ENDS_BEFORE_START: entry(
    () => 'closesAt phải sau opensAt',
    () => 'closesAt must come after opensAt',
  ),
  LAST_STAGE_NO_PICK: entry<{ stage: string }>(
    (p) => `Vòng "${p.stage}" là vòng cuối, không chọn sản phẩm lên vòng sau`,
    (p) => `The stage "${p.stage}" is the last one; no entries go on from it`,
  ),
  NO_NEXT_STAGE: entry(
    () => 'vòng thi không có vòng sau',
    () => 'the stage has no next stage',
  ),
  NO_NEXT_STAGE_RUNNER: entry<{ levelCode: string; stageName: string }>(
    (p) => `Không có đơn vị cấp "${p.levelCode}" tổ chức vòng "${p.stageName}" cho đơn vị này`,
    (p) => `No unit at level "${p.levelCode}" runs the stage "${p.stageName}" for this unit`,
  ),
  NO_UNIT_AT_LEVEL_ABOVE: entry<{ levelCode: string }>(
    (p) => `không có đơn vị cấp ${p.levelCode} ở trên`,
    (p) => `no unit at level ${p.levelCode} above it`,
  ),
  NO_PICK_WINDOW: entry(
    () => 'Ban tổ chức chưa mở thời gian chọn sản phẩm lên vòng sau',
    () => 'The organisers have not opened the window to pick entries for the next stage',
  ),
  NO_PICK_WINDOW_SHORT: entry(
    () => 'chưa có thời gian chọn cho trường này',
    () => 'no pick window is set for this school',
  ),
  OUTSIDE_PICK_WINDOW: entry<{ opensAt: string; closesAt: string }>(
    (p) => `Chỉ được chọn sản phẩm lên vòng sau từ ${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} đến ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)}`,
    (p) => `Entries are picked for the next stage only from ${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} to ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)} (${DEFAULT_TIME_ZONE})`,
  ),
  PICK_WINDOW: entry<{ opensAt: string; closesAt: string }>(
    (p) => `thời gian chọn từ ${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} đến ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)}`,
    (p) => `the pick window is ${formatDateTime(p.opensAt, DEFAULT_TIME_ZONE)} – ${formatDateTime(p.closesAt, DEFAULT_TIME_ZONE)} (${DEFAULT_TIME_ZONE})`,
  ),
  CANNOT_PICK: entry<{ why: Nested[] }>(
    (p) => `Không thể chọn: ${p.why.map((w) => nested(w, 'vi')).join('; ')}`,
    (p) => `Cannot pick: ${p.why.map((w) => nested(w, 'en')).join('; ')}`,
  ),
  ENTRY_IDS_FOR_PICK: entry(
    () => 'entryIds là bắt buộc: vòng này chọn sản phẩm lên vòng sau',
    () => 'entryIds is required: this stage advances by pick',
  ),
  REQUIRED_FOR_PICK: entry(
    () => 'là bắt buộc khi vòng chọn sản phẩm lên vòng sau',
    () => 'required when the stage advances by pick',
  ),
  LISTED_TWICE: entry<{ id: string }>(
    () => 'đã có ở trên trong danh sách',
    () => 'already listed above',
  ),
  CANNOT_PIN: entry<{ count: number }>(
    (p) => `Không thể chỉ định giám khảo: ${p.count} lỗi`,
    (p) => `Cannot pin the judges: ${p.count} problem${p.count === 1 ? '' : 's'}`,
  ),
  PRIZE_LIST_PUBLISHED: entry(
    () => 'Danh sách đạt giải này đã được công bố; hãy công bố bản đính chính (corrections) kèm lý do',
    () => 'This prize list is already published; publish a correction (corrections) with a reason',
  ),
  PRIZE_LIST_ALREADY_FINAL: entry(
    () => 'Danh sách đã là chính thức',
    () => 'The list is already final',
  ),
  LATEST_ALREADY_FINAL: entry(
    () => 'bản mới nhất đã là chính thức',
    () => 'the latest version is already final',
  ),
  OBJECTION_WINDOW_OPEN: entry<{ until: string }>(
    (p) => `Thời hạn nhận ý kiến phản hồi đến ${formatDateTime(p.until, DEFAULT_TIME_ZONE)}; chưa thể công bố chính thức`,
    (p) => `Objections are taken until ${formatDateTime(p.until, DEFAULT_TIME_ZONE)} (${DEFAULT_TIME_ZONE}); the list cannot be made final yet`,
  ),
  OBJECTION_WINDOW_UNTIL: entry<{ until: string }>(
    (p) => `thời hạn phản hồi đến ${formatDateTime(p.until, DEFAULT_TIME_ZONE)}`,
    (p) => `the objection window is open until ${formatDateTime(p.until, DEFAULT_TIME_ZONE)} (${DEFAULT_TIME_ZONE})`,
  ),
  STAGE_AWARDS_NO_PRIZES: entry<{ stage: string }>(
    (p) => `Vòng "${p.stage}" không có cơ cấu giải`,
    (p) => `The stage "${p.stage}" awards no prizes`,
  ),
  NO_PRIZES_SHORT: entry(
    () => 'vòng thi không trao giải',
    () => 'the stage awards no prizes',
  ),

  // Notifications (src/notifications).
  MAIL_TEMPLATE_NOT_FOUND: entry<{ kind: string }>(
    (p) => `Không có mẫu thư ${p.kind}`,
    (p) => `Mail template ${p.kind} not found`,
  ),
  ONLY_FAILED_REQUEUED: entry(
    () => 'Chỉ gửi lại được thư đã gửi lỗi',
    () => 'Only a failed delivery can be requeued',
  ),
  DELIVERY_NOT_FAILED: entry(
    () => 'thư chưa gửi lỗi',
    () => 'the delivery has not failed',
  ),
  STAGE_NOT_JUDGED: entry(
    () => 'vòng thi này không chấm điểm',
    () => 'the stage is not judged',
  ),
  EDITION_IS_ARCHIVED: entry(
    () => 'kỳ thi đã lưu trữ',
    () => 'the edition is archived',
  ),
  UNIT_NOT_AT_STAGE_LEVEL: entry<{ levelCode: string }>(
    (p) => `đơn vị phải ở cấp ${p.levelCode}, cấp tổ chức vòng thi`,
    (p) => `the unit must be at the stage's level ${p.levelCode}`,
  ),
  NO_SUCH_FIELD_IN_EDITION: entry<{ code: string }>(
    (p) => `lĩnh vực "${p.code}" không có trong lần thi này`,
    (p) => `no such field "${p.code}" in the edition`,
  ),
  AFTER_SCORING_OPENS: entry(
    () => 'phải sau thời điểm mở chấm',
    () => 'must be after scoringOpensAt',
  ),
  NO_CONFIRMED_SHEET_OF_JUDGE: entry(
    () => 'giám khảo này không có phiếu đã xác nhận cho bài này',
    () => 'no confirmed sheet of this judge for the entry',
  ),
  NOT_A_PANEL_JUDGE: entry(
    () => 'không phải giám khảo của hội đồng',
    () => 'not a judge of the panel',
  ),
  JUDGE_HAS_ENTRY: entry(
    () => 'giám khảo đã chấm bài này',
    () => 'the judge already has this entry',
  ),
  JUDGE_CONFLICTED: entry(
    () => 'giám khảo có xung đột lợi ích với bài này',
    () => 'the judge has a conflict with this entry',
  ),
  PANEL_WINDOW_INVALID: entry(
    () => 'Thời gian chấm không hợp lệ',
    () => 'The scoring window is not valid',
  ),
  STALE_PANEL: entry<{ sent: number; current: number }>(
    (p) => `Hội đồng đã thay đổi (phiên bản ${p.current}, bạn gửi ${p.sent}); tải lại rồi sửa lại`,
    (p) => `The panel changed since you read it (version ${p.current}, you sent ${p.sent}); reload and edit again`,
  ),
  CUTS_OUT_OF_RANGE: entry<{ max: number }>(
    (p) => `mỗi ngưỡng từ 0 đến ${p.max}, tối đa hai chữ số thập phân`,
    (p) => `each cut from 0 to ${p.max}, with at most two decimals`,
  ),
  MARGIN_OUT_OF_RANGE: entry<{ max: number }>(
    (p) => `biên độ lớn hơn 0 và không quá ${p.max}, tối đa hai chữ số thập phân`,
    (p) => `the margin must be above 0 and at most ${p.max}, with at most two decimals`,
  ),
  REJUDGE_INVALID: entry(
    () => 'Yêu cầu chấm lại không hợp lệ',
    () => 'The re-judging request is not valid',
  ),
  FLAG_CANNOT_SETTLE: entry<{ why: Nested }>(
    (p) => `Không xử lý được chênh lệch điểm: ${nested(p.why, 'vi')}`,
    (p) => `The flag cannot be settled: ${nested(p.why, 'en')}`,
  ),
} as const;

export type ProblemCode = keyof typeof PROBLEM_CATALOGUE;

/** The parameters a code's message takes, as its catalogue entry declares them. */
export type ProblemParams<C extends ProblemCode> = Parameters<(typeof PROBLEM_CATALOGUE)[C]['en']>[0];

export const PROBLEM_CODES = Object.keys(PROBLEM_CATALOGUE) as ProblemCode[];

export function isProblemCode(code: unknown): code is ProblemCode {
  return typeof code === 'string' && Object.hasOwn(PROBLEM_CATALOGUE, code);
}

/** A code's message in a language. Unknown codes (never thrown, guarded by a test) fall back to the code itself. */
export function renderProblem(code: string, params: object | undefined, locale: Locale): string {
  if (!isProblemCode(code)) return code;
  try {
    return (PROBLEM_CATALOGUE[code][locale] as (p: object) => string)(params ?? {});
  } catch {
    // An error answer must never fail itself: parameters a template cannot read leave the bare code.
    return code;
  }
}
