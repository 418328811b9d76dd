/** The app cannot start here, and the message says why and what to do: it is printed alone, without a stack. */
export class StartupRefusal extends Error {}
