// The embedded provider's people: a demo user who may do everything, and a
// viewer who may only look (to see a refusal). Their passwords are printed on
// the sign-in page: this provider is for the demo on loopback, never for
// production, where the gateway points at Keycloak.
export interface DemoUser {
  /** The token's `sub`: stable, as a real provider's would be. */
  subject: string;
  name: string;
  password: string;
  roles: string[];
  /** Agent tags the person may target; "*" is every tag. */
  tags: string[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { subject: 'a6a1d0a2-demo-0000-0000-000000000001', name: 'demo', password: 'demo', roles: ['sonde-viewer', 'sonde-debugger', 'sonde-capture', 'sonde-admin'], tags: ['*'] },
  { subject: 'a6a1d0a2-demo-0000-0000-000000000002', name: 'viewer', password: 'viewer', roles: ['sonde-viewer'], tags: ['*'] },
];

export const userBySubject = (subject: string): DemoUser | undefined => DEMO_USERS.find((u) => u.subject === subject);

/** The user whose name and password these are; constant-time enough for published passwords. */
export const signIn = (name: string, password: string): DemoUser | undefined => DEMO_USERS.find((u) => u.name === name && u.password === password);
