import { api, ApiError, onUnauthorized, type Me, type WorkspaceMembership } from '$lib/api'

const LAST_WORKSPACE_KEY = 'cx.workspace'

/** Who is signed in and to which workspaces they belong (from GET /api/me). */
class Session {
  me = $state<Me | null>(null)
  /** `unknown` until the first GET /api/me has answered. */
  status = $state<'unknown' | 'signedIn' | 'signedOut'>('unknown')
  #loading: Promise<void> | null = null

  constructor() {
    onUnauthorized(() => {
      this.me = null
      this.status = 'signedOut'
    })
  }

  get user() {
    return this.me?.user ?? null
  }

  get workspaces(): WorkspaceMembership[] {
    return this.me?.workspaces ?? []
  }

  membership(slug: string | undefined): WorkspaceMembership | undefined {
    return this.workspaces.find((workspace) => workspace.slug === slug)
  }

  /** Loads the session once; later calls reuse the answer unless `force`. */
  ensureLoaded(force = false): Promise<void> {
    if (this.status !== 'unknown' && !force) return Promise.resolve()
    this.#loading ??= this.#load().finally(() => {
      this.#loading = null
    })
    return this.#loading
  }

  async #load(): Promise<void> {
    try {
      this.me = await api.me()
      this.status = 'signedIn'
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        this.me = null
        this.status = 'signedOut'
        return
      }
      throw error
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    await api.auth.login(email, password)
    await this.ensureLoaded(true)
  }

  async signOut(): Promise<void> {
    try {
      await api.auth.logout()
    } finally {
      this.me = null
      this.status = 'signedOut'
    }
  }

  /** The workspace to open after sign-in: the last one used on this device, else the first. */
  defaultWorkspace(): WorkspaceMembership | undefined {
    let last: string | null
    try {
      last = localStorage.getItem(LAST_WORKSPACE_KEY)
    } catch {
      last = null // storage may be disabled; fall back to the first workspace
    }
    return this.membership(last ?? undefined) ?? this.workspaces[0]
  }

  rememberWorkspace(slug: string): void {
    try {
      localStorage.setItem(LAST_WORKSPACE_KEY, slug)
    } catch {
      // Without storage the first workspace opens next time; nothing is lost.
    }
  }
}

export const session = new Session()
