/** API Gateway's own answers, with the bodies its default gateway responses have. */
export const GATEWAY_RESPONSES = {
  missingAuthenticationToken: { statusCode: 403, message: "Missing Authentication Token" },
  forbidden: { statusCode: 403, message: "Forbidden" },
  throttled: { statusCode: 429, message: "Too Many Requests" },
  quotaExceeded: { statusCode: 429, message: "Limit Exceeded" },
  unsupportedMediaType: { statusCode: 415, message: "Unsupported Media Type" },
  invalidBody: { statusCode: 400, message: "Invalid request body" },
  tooLarge: { statusCode: 413, message: "Request Too Long" },
  timeout: { statusCode: 504, message: "Endpoint request timed out" },
  internal: { statusCode: 500, message: "Internal server error" },
  unauthorized: { statusCode: 401, message: "Unauthorized" },
  tokenExpired: { statusCode: 401, message: "The incoming token has expired" },
} as const;
