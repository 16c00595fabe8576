/**
 * PLAIN (RFC 24) as a MechanismFactory: the server side when the socket's `asServer` is set
 * (zeromq.js `plainServer = true`), the client side otherwise (`plainUsername` / `plainPassword`).
 * Credentials travel in clear text: use PLAIN on trusted networks or under CURVE-less TLS only.
 */
import type { MechanismFactory } from "@zmtp/spec";
import { PlainClient } from "./plain-client";
import { PlainServer } from "./plain-server";

export const plain: MechanismFactory = {
  name: "PLAIN",
  create: (setup) => (setup.asServer ? new PlainServer(setup) : new PlainClient(setup)),
};
