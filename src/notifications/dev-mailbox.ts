export async function startDevMailbox(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  void dir;
  return { url: 'smtp://127.0.0.1:2525', stop: async () => {} };
}
