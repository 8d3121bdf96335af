CREATE TABLE "project_unpaid_answers" (
	"project_id" uuid NOT NULL,
	"shard" smallint NOT NULL,
	"answers" bigint NOT NULL,
	CONSTRAINT "project_unpaid_answers_project_id_shard_pk" PRIMARY KEY("project_id","shard")
);
--> statement-breakpoint
ALTER TABLE "project_unpaid_answers" ADD CONSTRAINT "project_unpaid_answers_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Keeps project_unpaid_answers equal to each project's labels with no paid_epoch_id, by label-id shard, whatever
-- writes labels (answers, payout planning, undo, deletes). Statement-level with transition tables, so a payout
-- marking thousands of answers paid costs one aggregate per statement. Decrements only update (a project deleted
-- in the same statement has already lost its counter rows); increments upsert.
CREATE FUNCTION count_unpaid_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO project_unpaid_answers AS c (project_id, shard, answers)
      SELECT n.project_id, (n.id % 16)::smallint, count(*) FROM new_rows n WHERE n.paid_epoch_id IS NULL GROUP BY 1, 2
      ON CONFLICT (project_id, shard) DO UPDATE SET answers = c.answers + excluded.answers;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO project_unpaid_answers AS c (project_id, shard, answers)
      SELECT n.project_id, (n.id % 16)::smallint, sum(CASE WHEN n.paid_epoch_id IS NULL THEN 1 ELSE -1 END)
      FROM new_rows n JOIN old_rows o ON o.id = n.id
      WHERE (n.paid_epoch_id IS NULL) <> (o.paid_epoch_id IS NULL) GROUP BY 1, 2
      ON CONFLICT (project_id, shard) DO UPDATE SET answers = c.answers + excluded.answers;
  ELSE
    UPDATE project_unpaid_answers c SET answers = c.answers - d.n
      FROM (SELECT o.project_id, (o.id % 16)::smallint AS shard, count(*) AS n
            FROM old_rows o WHERE o.paid_epoch_id IS NULL GROUP BY 1, 2) d
      WHERE c.project_id = d.project_id AND c.shard = d.shard;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER labels_unpaid_insert AFTER INSERT ON labels REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION count_unpaid_answers();
--> statement-breakpoint
CREATE TRIGGER labels_unpaid_update AFTER UPDATE ON labels REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION count_unpaid_answers();
--> statement-breakpoint
CREATE TRIGGER labels_unpaid_delete AFTER DELETE ON labels REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION count_unpaid_answers();
--> statement-breakpoint
INSERT INTO project_unpaid_answers (project_id, shard, answers)
  SELECT project_id, (id % 16)::smallint, count(*) FROM labels WHERE paid_epoch_id IS NULL GROUP BY 1, 2;
