import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('holds the headers helmet sets with the options, the policy among them', () => {
    const headers = securityHeaders({ contentSecurityPolicy: { directives: { frameAncestors: ["'none'"], upgradeInsecureRequests: null } }, frameguard: { action: 'deny' } });
    expect(headers).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY', 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' });
    expect(headers['Content-Security-Policy']).toContain("frame-ancestors 'none'");
    expect(headers['Content-Security-Policy']).not.toContain('upgrade-insecure-requests');
  });

  it('leaves out what the options turn off', () => {
    expect(securityHeaders({ frameguard: false })).not.toHaveProperty('X-Frame-Options');
  });
});
