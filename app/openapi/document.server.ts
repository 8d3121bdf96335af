import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { registerEndpoints } from "./endpoints.server.ts";

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31["generateDocument"]>;

const DESCRIPTION = `The JSON API of Pairwise, generated from the schemas the server validates requests with.

Authenticate with \`Authorization: Bearer <key>\`: an API key (scope \`api\`) for projects, labeling, wallets and
payouts, a premium key (scope \`premium\`) for the metered model endpoints; keys are created under *API keys*. A
signed-in browser session works too for GET and JSON requests.

Errors are JSON, \`{"error":{"code","message","details"?}}\`; every answer of a premium endpoint to an accepted key
also carries \`credits: {spent, balance}\`, an error's with \`spent\` 0. Any other path under \`/api/v1\` answers 404
\`not_found\`, and a method an endpoint does not serve 405 \`method_not_allowed\` with an \`Allow\` header; an id in a
path that is not a UUID is a 404 like an unknown one. Token amounts are decimal strings of base units.`;

let built: OpenApiDocument | null = null;

/** The API's OpenAPI 3.1 document (built once per process: the schemas do not change while it runs). */
export function openApiDocument(): OpenApiDocument {
  if (built) return built;
  const registry = new OpenAPIRegistry();
  registerEndpoints(registry);
  built = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: { title: "Pairwise API", version: "1", description: DESCRIPTION },
    tags: [
      { name: "Projects", description: "Requesters: create, fund, watch and close projects." },
      { name: "Datasets and exports", description: "Upload items; export consensus, preferences and raw answers." },
      { name: "Labeling", description: "Labelers: lease tasks and answer them." },
      {
        name: "Qualification tests",
        description: "Requesters: tests with known answers that projects require. Labelers: take them.",
      },
      {
        name: "Review and appeals",
        description:
          "Requesters and reviewers: approve or reject answers with a reason, decide appeals. Labelers: appeal.",
      },
      {
        name: "Bonuses",
        description: "Requesters: pay labelers beyond their answers, from a project's funds, in their next payout.",
      },
      { name: "Reward models", description: "Train and publish a project's reward model." },
      { name: "Funds and wallet", description: "Deposits to projects and the wallet payouts go to." },
      { name: "Credits and payouts", description: "Redeem tokens for credits; verify your payouts." },
      { name: "Premium", description: "Metered model calls with a premium key." },
      { name: "Reference", description: "This document." },
    ],
  });
  return built;
}
