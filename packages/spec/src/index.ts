export * from "./endpoint";
export * from "./errors";
export * from "./mechanism";
export * from "./monitor";
export * from "./socket-type";
export * from "./transport";
