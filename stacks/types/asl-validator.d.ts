// asl-validator ships no type declarations; this is the part stepgate uses.
declare module "asl-validator" {
  interface AslValidationError {
    "Error code": string;
    Message: string;
  }
  function validator(definition: unknown): { isValid: boolean; errors: AslValidationError[] };
  export = validator;
}
