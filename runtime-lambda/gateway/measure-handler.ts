/** The handler `measureGateway` times: returns its event, so the figures are the gateway's own overhead. */
export const handler = async (event: unknown) => ({ echo: event });
