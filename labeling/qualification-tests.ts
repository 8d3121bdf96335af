/** A requester's side of qualification tests: their tests, the items with known answers, and who may label. */
import type { Db } from "../db/client.ts";
import { DomainError, NotFoundError } from "../db/errors.ts";
import { getProject } from "../db/queries/projects.ts";
import {
  addQualificationItems,
  getQualificationTest,
  listQualificationItems,
  ownedTestIds,
  setProjectRequirements,
  updateQualificationTest,
  type TestSettings,
} from "../db/queries/qualifications.ts";
import { parseTestItemsJsonl, parseTestItemsList } from "../datasets/qualification-items.ts";
import type { ProjectVisibility } from "../db/schema/index.ts";

/** The requester's own test; another's is "not found", as for projects. */
export async function requireOwnTest(db: Db, params: { testId: string; ownerId: string }) {
  const test = await getQualificationTest(db, params.testId);
  if (!test || test.ownerId !== params.ownerId) throw new NotFoundError("qualification test");
  return test;
}

/** Changes a test's settings; its questions only while it has no items (their known answers are in those terms). */
export async function editTest(db: Db, params: { testId: string; ownerId: string; settings: TestSettings }) {
  const test = await requireOwnTest(db, params);
  const { questions, ...rest } = params.settings;
  const unchanged = JSON.stringify(questions) === JSON.stringify(test.questions);
  if (!unchanged && (await listQualificationItems(db, test.id)).length > 0)
    throw new DomainError("test_has_items", "The questions cannot change once the test has items.");
  return (await updateQualificationTest(db, { ...params, ...rest, questions }))!;
}

/** Adds items to the owner's test, from JSONL text or a JSON list; all or nothing (DatasetError with lines). */
export async function uploadTestItems(
  db: Db,
  params: { testId: string; ownerId: string; jsonl?: string; list?: unknown[] },
): Promise<number> {
  const test = await requireOwnTest(db, params);
  const items =
    params.list !== undefined
      ? parseTestItemsList(test.questions, params.list)
      : parseTestItemsJsonl(test.questions, params.jsonl ?? "");
  return addQualificationItems(db, { testId: test.id, items });
}

/**
 * Sets the tests a project requires and its minimum prior quality. Only the project's owner may, and only with
 * their own tests.
 */
export async function setWhoMayLabel(
  db: Db,
  params: {
    projectId: string;
    ownerId: string;
    testIds: string[];
    minPriorQuality: number | null;
    /** Unchanged when left out. */
    visibility?: ProjectVisibility;
    /** The invited labelers' emails (replacing the list), and who invites them; unchanged when left out. */
    labelers?: { emails: string[]; invitedBy: string };
  },
) {
  const project = await getProject(db, params.projectId);
  if (!project || project.ownerId !== params.ownerId) throw new NotFoundError("project");
  const wanted = [...new Set(params.testIds)];
  const owned = new Set(await ownedTestIds(db, { ownerId: params.ownerId, testIds: wanted }));
  const foreign = wanted.find((id) => !owned.has(id));
  if (foreign) throw new NotFoundError(`qualification test ${foreign}`);
  await setProjectRequirements(db, {
    projectId: project.id,
    testIds: wanted,
    minPriorQuality: params.minPriorQuality,
    visibility: params.visibility,
    labelers: params.labelers,
  });
}
