/** Thrown by a tool for a request the model can fix; it comes back as an `is_error` result. */
export class ToolRefusal extends Error {}
