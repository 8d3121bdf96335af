export * from "./users.ts";
export * from "./projects.ts";
export * from "./items.ts";
export * from "./quality.ts";
export * from "./jobs.ts";
export * from "./tokens.ts";
