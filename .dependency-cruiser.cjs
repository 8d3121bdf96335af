// Import boundaries between the top-level folders (`npm run deps`).
// Each production folder may import node_modules, itself and the folders listed in `LAYERS`; everything else is
// forbidden, which also rules out cycles between folders. test/, bench/ and e2e/ may import anything.
/** @type {Record<string, string[]>} folder → the other top-level folders it may import */
const LAYERS = {
  config: [],
  db: [],
  accounts: ["db", "config"],
  datasets: ["db"],
  labeling: ["db", "config", "datasets"],
  reward: ["db", "config"],
  trainer: ["db", "datasets", "config"],
  jobs: ["config", "db", "accounts", "datasets", "labeling", "reward", "trainer"],
  app: ["config", "db", "accounts", "datasets", "labeling", "reward", "trainer", "jobs"],
  bin: ["config", "db", "accounts", "datasets", "labeling", "reward", "trainer", "jobs"],
};
const PRODUCTION = Object.keys(LAYERS);
const TEST_ONLY = ["test", "bench", "e2e"];

const folders = (names) => `^(${names.join("|")})/`;

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const layerRules = PRODUCTION.map((from) => {
  const allowed = LAYERS[from];
  const forbidden = PRODUCTION.filter((name) => name !== from && !allowed.includes(name));
  return {
    name: `layer-${from}`,
    comment:
      `${from}/ may import only ${allowed.length ? allowed.map((n) => `${n}/`).join(", ") : "no other folder"} ` +
      `(besides node_modules and itself); it must not import ${forbidden.map((n) => `${n}/`).join(", ")}.`,
    severity: "error",
    from: { path: `^${from}/` },
    to: { path: folders(forbidden) },
  };
}).filter((rule) => rule.to.path !== "^()/");

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No module may depend on itself, directly or through others.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-test-code-in-production",
      comment: `Production folders (${PRODUCTION.join(", ")}) must not import test/, bench/ or e2e/.`,
      severity: "error",
      from: { path: folders(PRODUCTION) },
      to: { path: folders(TEST_ONLY) },
    },
    ...layerRules,
    {
      name: "consensus-not-tokens",
      comment: "reward/consensus/ must never import reward/tokens/.",
      severity: "error",
      from: { path: "^reward/consensus/" },
      to: { path: "^reward/tokens/" },
    },
    {
      name: "tokens-not-consensus",
      comment: "reward/tokens/ must never import reward/consensus/.",
      severity: "error",
      from: { path: "^reward/tokens/" },
      to: { path: "^reward/consensus/" },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import that does not resolve to a file or a package is a typo or a missing dependency.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-non-package-json",
      comment: "A package that is imported must be declared in package.json (not just present in node_modules).",
      severity: "error",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(build|node_modules|data|db/migrations|test-results|playwright-report|scratch)/" },
    // Type-only imports count too: they couple the folders just as much.
    tsPreCompilationDeps: true,
    // Resolves the `~/*` → `./app/*` alias; explicit .ts/.tsx extensions resolve as plain files.
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
