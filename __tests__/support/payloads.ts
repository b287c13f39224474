/**
 * JSON payloads that have broken mapping templates: each is a message a client may send, as the
 * exact text on the wire.
 */
export const PAYLOADS: ReadonlyArray<readonly [name: string, text: string]> = [
  ["the seed's example", '{"first_name" : "Jane", "last_name" : "Doe"}'],
  ["apostrophes", `{"name":"O'Brien","quote":"it's"}`],
  ["double quotes", '{"say":"\\"hi\\""}'],
  ["backslashes", '{"path":"C:\\\\temp\\\\new","regex":"\\\\d+"}'],
  ["a backslash before an apostrophe", `{"odd":"\\\\'"}`],
  ["slashes", '{"url":"https://example.com/a/b","close":"</script>"}'],
  ["unicode, a surrogate pair and U+2028", '{"text":"héllo 日本 😀 \u2028 \u2029"}'],
  ["escaped unicode", '{"text":"\\u00e9\\ud83d\\ude00"}'],
  ["control characters", '{"text":"tab\\tnewline\\nnull\\u0000bell\\u0007"}'],
  ["nested objects and arrays", '{"a":{"b":[1,{"c":[[],{}]}]},"d":[["x"]]}'],
  ["numbers at the edges of double precision", '{"max":1.7976931348623157e308,"min":5e-324,"int":9007199254740991,"neg":-0.5}'],
  ["booleans and nulls", '{"t":true,"f":false,"n":null}'],
  ["an empty object", "{}"],
  ["a top-level array", '[1,"two",{"three":3}]'],
  ["VTL and Terraform syntax as data", '{"v":"$input.body #set($x = 1) ${var} %{ if } $$ ##"}'],
];
