import type { Role } from './session';

export function roleName(role: Role, L: (vi: string, en: string) => string): string {
  const names: Record<Role, [string, string]> = {
    admin: ['Quản trị', 'Administrator'],
    organiser: ['Ban tổ chức', 'Organiser'],
    school: ['Trường', 'School'],
    organisation: ['Tổ chức', 'Organisation'],
    judge: ['Giám khảo', 'Judge'],
    chair: ['Trưởng ban giám khảo', 'Panel chair'],
  };
  return L(...names[role]);
}
