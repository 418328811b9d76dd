export interface DemoSeed {
  summary: string;
  password: string;
  accounts: Array<{ role: string; email: string; scope: string }>;
}
export async function seedDemoIfEmpty(databaseUrl: string): Promise<DemoSeed | null> {
  void databaseUrl;
  return null;
}
