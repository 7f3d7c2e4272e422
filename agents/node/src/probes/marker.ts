// What an expression yields where a value could not be read safely: it
// prints as its text and makes any operator applied to it fail with itself.

export class Marker {
  readonly #brand = true;
  constructor(readonly text: string) {
    Object.freeze(this);
  }
  /** A brand check, because instanceof would fire a Proxy's getPrototypeOf trap. */
  static is(value: unknown): value is Marker {
    return typeof value === 'object' && value !== null && #brand in value;
  }
}
