// Signing in to the gateway's identity provider from the editor. The gateway
// says where (GET /v1/identity); the device flow shows the person a code and
// opens the provider's page (window/showDocument, and the link in a message
// for editors that cannot open it); the tokens go in the store the CLI shares;
// every (re)connection asks for an access token, refreshed before it expires,
// and a live connection is handed the refreshed one (TokenRenewal).
import { gatewayIdentity, startDeviceLogin, TokenSession, type GatewayIdentity, type TokenStore } from '@sonde/client-core';

export interface LoginUi {
  /** Opens the page in the person's browser; resolves false when the editor cannot. */
  open(url: string): Promise<boolean>;
  info(message: string): void;
  error(message: string): void;
  /** The credential changed: the gateway client connects again with it. */
  reconnect(): void;
}

export interface LoginStarted {
  /** False when the gateway checks no identity (--insecure-dev): nothing to sign in to. */
  required: boolean;
  userCode?: string;
  verificationUri?: string;
  verificationUriComplete?: string;
}

export class Login {
  private identity: Promise<GatewayIdentity> | undefined;
  private session: TokenSession | undefined;
  private pending: { cancel(): void } | undefined;
  private identityKnown: GatewayIdentity | undefined;

  constructor(
    private readonly gatewayUrl: string,
    private readonly store: TokenStore,
    private readonly ui: LoginUi,
  ) {}

  /** Where the gateway says to sign in; asked once, again after a failure. */
  private where(): Promise<GatewayIdentity> {
    this.identity ??= gatewayIdentity(this.gatewayUrl).then((id) => (this.identityKnown = id)).catch((err: unknown) => {
      this.identity = undefined;
      throw err;
    });
    return this.identity;
  }

  private sessionOf(id: GatewayIdentity): TokenSession | undefined {
    const same = this.session !== undefined && this.session.issuer === id.issuer && this.session.clientId === id.clientId;
    if (!same) this.session = TokenSession.of(id, this.store);
    return this.session;
  }

  /** Who this editor acts as: the signed-in user, or `dev` where the gateway checks no identity; undefined before that is known. */
  get me(): string | undefined {
    if (this.session !== undefined) return this.session.userName;
    return this.identityKnown?.required === false ? 'dev' : undefined;
  }

  /** Whether this editor may remove other people's actions (an admin, or a gateway that checks no identity). */
  get mayRemoveOthers(): boolean {
    if (this.identityKnown?.required === false) return true;
    return this.session?.roles.includes('sonde-admin') ?? false;
  }

  /** When the access token should be renewed; undefined when none is needed, nobody signed in, or the gateway was not asked yet. */
  renewalDueAtMs(): number | undefined {
    return this.identityKnown?.required ? this.session?.refreshDueAtMs() : undefined;
  }

  /** The access token for the next connection; undefined when none is needed or nobody signed in. */
  async accessToken(): Promise<string | undefined> {
    const id = await this.where().catch(() => undefined); // an unreachable gateway is the connection's own failure to report
    return id === undefined ? undefined : this.sessionOf(id)?.accessToken();
  }

  /** Starts the device flow; resolves as soon as the code is known, and finishes in the background. */
  async start(): Promise<LoginStarted> {
    const id = await this.where();
    const session = this.sessionOf(id);
    if (session === undefined) {
      this.ui.info('Sonde: this gateway checks no identity (it runs with --insecure-dev); there is nothing to sign in to');
      return { required: false };
    }
    this.pending?.cancel();
    const login = await startDeviceLogin(session.issuer, session.clientId);
    this.pending = login;
    const page = login.verificationUriComplete ?? login.verificationUri;
    this.ui.info(`Sonde: to sign in, open ${page} and confirm the code ${login.userCode}`);
    void this.ui.open(page);
    login.tokens.then(
      (tokens) => {
        const user = session.signedIn(tokens);
        this.ui.info(`Sonde: signed in as ${user}`);
        this.ui.reconnect();
      },
      (err: Error) => this.ui.error(`Sonde: sign-in failed: ${err.message}`),
    );
    return { required: true, userCode: login.userCode, verificationUri: login.verificationUri, verificationUriComplete: login.verificationUriComplete };
  }

  /** Forgets the stored sign-in; resolves with whether there was one. */
  async logout(): Promise<boolean> {
    this.pending?.cancel();
    const id = await this.where();
    const had = this.sessionOf(id)?.signOut() ?? false;
    this.ui.info(had ? 'Sonde: signed out' : 'Sonde: nobody was signed in');
    this.ui.reconnect();
    return had;
  }
}
