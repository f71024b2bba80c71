// Fetching the JSON API. Errors carry the API's own message.

export class ApiError extends Error {}

export async function getJSON(path, params = null) {
  const url = params && [...params].length ? `${path}?${params}` : path;
  const resp = await fetch(url, { headers: { Accept: "application/json" } });
  if (!resp.ok) {
    let message = `${resp.status}`;
    try {
      const body = await resp.json();
      if (body && typeof body.message === "string") message = body.message;
    } catch {
      /* not JSON: keep the status */
    }
    throw new ApiError(message);
  }
  return resp.json();
}
