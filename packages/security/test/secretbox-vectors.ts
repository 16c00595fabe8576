/**
 * Reference data for the secretbox tests (secretbox.test.ts runs the module as loaded,
 * secretbox-wasm.test.ts each implementation): NaCl's secretbox example, RFC 8439's Poly1305
 * vectors and tweetnacl's low-level functions.
 */
import nacl from "tweetnacl";
import { unhex } from "./helpers";

// "Cryptography in NaCl" §9-10 (D. J. Bernstein), the secretbox example, as NaCl's
// tests/secretbox.c and libsodium's test/default/secretbox.c + secretbox_easy.exp carry it.
export const NACL_KEY = unhex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
export const NACL_NONCE = unhex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
export const NACL_MESSAGE = unhex(
  "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f937763848645e0705",
);
export const NACL_BOX = unhex(
  "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5",
);
/** The Poly1305 key XSalsa20 makes for that box (poly1305-donna's "nacl_key"). */
export const NACL_POLY_KEY = unhex(
  "eea6a7251c1e72916d11c2cb214d3c252539121d8e234e652d651fa4c8cff880",
);

/** RFC 8439 §2.5.2: key, text, tag. */
export const RFC8439_EXAMPLE = {
  key: unhex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b"),
  text: new TextEncoder().encode("Cryptographic Forum Research Group"),
  tag: "a8061dc1305136c6c22b8baf0c0127a9",
};

// Appendix A.3 vectors #5-#11: limbs and the final reduction at their edges.
const r = (first: string) => unhex(first.padEnd(64, "0")); // r, and s = 0
/** RFC 8439 Appendix A.3 #5-#11: name, key, text (hex), tag (hex). */
export const RFC8439_EDGES: [string, Uint8Array, string, string][] = [
  ["#5 h wraps to 3", r("02"), "ff".repeat(16), "03000000000000000000000000000000"],
  [
    "#6 s carries out",
    unhex(`02${"00".repeat(15)}${"ff".repeat(16)}`),
    `02${"00".repeat(15)}`,
    "03000000000000000000000000000000",
  ],
  [
    "#7 h = 2^130 - 5 + 5",
    r("01"),
    `${"ff".repeat(16)}f0${"ff".repeat(15)}11${"00".repeat(15)}`,
    "05000000000000000000000000000000",
  ],
  [
    "#8 h = p exactly",
    r("01"),
    `${"ff".repeat(16)}fb${"fe".repeat(15)}${"01".repeat(16)}`,
    "00000000000000000000000000000000",
  ],
  ["#9 h = p - 1 + ...", r("02"), `fd${"ff".repeat(15)}`, `fa${"ff".repeat(15)}`],
  [
    "#10 large r limbs",
    r("0100000000000000040000000000000"),
    "e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000000000001000000000000000000000000000000",
    "14000000000000005500000000000000",
  ],
  [
    "#11 large r limbs, three blocks",
    r("0100000000000000040000000000000"),
    "e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000",
    "13000000000000000000000000000000",
  ],
];

/** tweetnacl's low-level functions the tests compare with. */
export interface NaclLowLevel {
  crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, c: Uint8Array): number;
  crypto_onetimeauth(
    out: Uint8Array,
    outPosition: number,
    message: Uint8Array,
    position: number,
    length: number,
    key: Uint8Array,
  ): number;
  crypto_stream(
    out: Uint8Array,
    position: number,
    length: number,
    n: Uint8Array,
    k: Uint8Array,
  ): number;
}
export const lowlevel = (nacl as unknown as { lowlevel: NaclLowLevel }).lowlevel;
/** "expand 32-byte k", HSalsa20's constant. */
export const SIGMA = new TextEncoder().encode("expand 32-byte k");
