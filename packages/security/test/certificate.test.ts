/**
 * Certificates: files made by czmq (zcert_save, through a tiny C program linked with libczmq)
 * and by pyzmq (zmq.auth.create_certificates, Debian's python3-zmq) load here, and files zmtp
 * writes load in pyzmq. The tools come from `apt-get install libczmq-dev python3-zmq` (.ci/run
 * does it); without them these tests FAIL with that message rather than skip.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { curveKeyPair, curvePublicKey } from "../src/curve/index";
import { formatCertificate, parseCertificate, ZapAuthenticator } from "../src/index";
import {
  createCertificate,
  loadCertificate,
  loadCertificateDirectory,
  loadPasswordFile,
  saveCertificate,
} from "../src/node/index";

const PYTHON = "/usr/bin/python3";
const work = mkdtempSync(join(tmpdir(), "zmtp-certs-"));
afterAll(() => {
  execFileSync("rm", ["-rf", work]);
});

function need(condition: boolean, what: string): void {
  if (!condition) {
    throw new Error(
      `${what} is missing: run "apt-get install -y libczmq-dev python3-zmq" (see .ci/run)`,
    );
  }
}

function python(code: string): string {
  need(existsSync(PYTHON), PYTHON);
  return execFileSync(PYTHON, ["-c", code], { encoding: "utf8" });
}

/** Builds and runs a C program that makes a czmq certificate with metadata. */
function czmqCertificate(path: string): void {
  need(existsSync("/usr/include/czmq.h"), "libczmq-dev (czmq.h)");
  const source = join(work, "makecert.c");
  writeFileSync(
    source,
    `#include <czmq.h>
int main (int argc, char *argv []) {
    zcert_t *cert = zcert_new ();
    zcert_set_meta (cert, "name", "%s", "czmq test");
    zcert_set_meta (cert, "email", "%s", "ops@example.com");
    if (zcert_save (cert, argv [1]) != 0) return 1;
    printf ("%s %s\\n", zcert_public_txt (cert), zcert_secret_txt (cert));
    zcert_destroy (&cert);
    return 0;
}
`,
  );
  const binary = join(work, "makecert");
  const flags = execFileSync("pkg-config", ["--cflags", "--libs", "libczmq"], {
    encoding: "utf8",
  })
    .trim()
    .split(/\s+/);
  execFileSync("gcc", [source, "-o", binary, ...flags]);
  execFileSync(binary, [path]);
}

describe("certificates", () => {
  it("parses and formats czmq's ZPL layout", () => {
    const { publicKey, secretKey } = curveKeyPair();
    const certificate = { publicKey, secretKey, metadata: { name: "a b", role: "x" } };
    const text = formatCertificate(certificate, { secret: true });
    expect(text).toContain(`    public-key = "${publicKey}"`);
    expect(text).toContain(`    secret-key = "${secretKey}"`);
    expect(parseCertificate(text)).toEqual(certificate);
    const publicOnly = parseCertificate(formatCertificate(certificate));
    expect(publicOnly.secretKey).toBeUndefined();
    expect(() => parseCertificate("metadata\ncurve\n")).toThrow(/public key/);
    expect(() => parseCertificate('curve\n   public-key = "x"\n')).toThrow(/indentation/);
  });

  it("loads certificates made by czmq (zcert_save)", async () => {
    const path = join(work, "czmq.cert");
    czmqCertificate(path);
    const certificate = await loadCertificate(path);
    expect(certificate.metadata).toEqual({ name: "czmq test", email: "ops@example.com" });
    expect(certificate.secretKey).toBeDefined();
    expect(curvePublicKey(certificate.secretKey!)).toBe(certificate.publicKey);
    const secretOnly = parseCertificate(readFileSync(`${path}_secret`, "utf8"));
    expect(secretOnly.publicKey).toBe(certificate.publicKey);
  });

  it("loads certificates made by pyzmq (zmq.auth.create_certificates)", async () => {
    const keys = python(
      `import zmq.auth; p, s = zmq.auth.create_certificates(${JSON.stringify(work)}, "pyzmq", {"owner": "py"}); print(p); print(s)`,
    )
      .trim()
      .split("\n");
    expect(keys[0]).toBe(join(work, "pyzmq.key"));
    const certificate = await loadCertificate(join(work, "pyzmq.key"));
    // pyzmq 24 (Debian bookworm) writes an empty metadata section whatever it is given.
    expect([{}, { owner: "py" }]).toContainEqual(certificate.metadata);
    expect(certificate.secretKey).toBeDefined();
    expect(curvePublicKey(certificate.secretKey!)).toBe(certificate.publicKey);
  });

  it("files zmtp writes load in pyzmq, the secret one with mode 0600", async () => {
    const saved = await createCertificate(work, "zmtp", { name: "zmtp" });
    expect(statSync(saved.secretFile!).mode & 0o777).toBe(0o600);
    const mine = await loadCertificate(saved.publicFile);
    const loaded = python(
      `import zmq.auth; p, s = zmq.auth.load_certificate(${JSON.stringify(saved.secretFile)}); print(p.decode()); print(s.decode())`,
    )
      .trim()
      .split("\n");
    expect(loaded).toEqual([mine.publicKey, mine.secretKey]);
    const publicOnly = python(
      `import zmq.auth; p, s = zmq.auth.load_certificate(${JSON.stringify(saved.publicFile)}); print(p.decode(), s)`,
    ).trim();
    expect(publicOnly).toBe(`${mine.publicKey} None`);
    const viaSave = await saveCertificate(
      { publicKey: mine.publicKey, metadata: {} },
      join(work, "public-only"),
    );
    expect(viaSave.secretFile).toBeUndefined();
  });

  it("a certificate directory feeds the ZAP handler's CURVE allow list", async () => {
    const directory = mkdtempSync(join(work, "store-"));
    const saved = await createCertificate(directory, "client", { name: "c1" });
    writeFileSync(join(directory, "README"), "not a certificate\n");
    const certificates = await loadCertificateDirectory(directory);
    expect(certificates).toHaveLength(1);
    expect(certificates[0]!.secretKey).toBeUndefined();
    const auth = new ZapAuthenticator({ curve: certificates });
    const key = (await loadCertificate(saved.publicFile)).publicKey;
    const { curveKeyBytes } = await import("../src/index");
    const reply = auth.authenticate({
      domain: "",
      address: "127.0.0.1",
      routingId: new Uint8Array(0),
      mechanism: "CURVE",
      credentials: [curveKeyBytes(key)],
    });
    expect(reply.statusCode).toBe("200");
    expect(new TextDecoder().decode(reply.metadata.get("name"))).toBe("c1");
  });

  it("reads czmq zauth password files", async () => {
    const path = join(work, "passwords");
    writeFileSync(path, "# users\nadmin=secret\nguest=with=equals\n\n");
    expect(await loadPasswordFile(path)).toEqual(
      new Map([
        ["admin", "secret"],
        ["guest", "with=equals"],
      ]),
    );
  });
});
