CREATE TABLE "project_qualifications" (
	"project_id" uuid NOT NULL,
	"test_id" uuid NOT NULL,
	CONSTRAINT "project_qualifications_project_id_test_id_pk" PRIMARY KEY("project_id","test_id")
);
--> statement-breakpoint
CREATE TABLE "qualification_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"test_id" uuid NOT NULL,
	"labeler_id" uuid NOT NULL,
	"project_id" uuid,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"answers" jsonb,
	"correct" integer,
	"total" integer,
	"passed" boolean,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "qualification_items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"test_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"content" jsonb NOT NULL,
	"answers" jsonb NOT NULL,
	"explanation" text
);
--> statement-breakpoint
CREATE TABLE "qualification_tests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"title" text NOT NULL,
	"instructions" text DEFAULT '' NOT NULL,
	"questions" jsonb NOT NULL,
	"pass_mark" real NOT NULL,
	"max_attempts" integer DEFAULT 2 NOT NULL,
	"retry_after_hours" integer DEFAULT 24 NOT NULL,
	"valid_days" integer,
	"show_answers" boolean DEFAULT true NOT NULL,
	"reward_per_attempt" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "qualification_tests_pass_mark" CHECK ("qualification_tests"."pass_mark" > 0 and "qualification_tests"."pass_mark" <= 1),
	CONSTRAINT "qualification_tests_attempts" CHECK ("qualification_tests"."max_attempts" >= 1 and "qualification_tests"."retry_after_hours" >= 0),
	CONSTRAINT "qualification_tests_reward" CHECK ("qualification_tests"."reward_per_attempt" >= 0)
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "min_prior_quality" real;--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "input_signals" jsonb;--> statement-breakpoint
ALTER TABLE "project_qualifications" ADD CONSTRAINT "project_qualifications_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_qualifications" ADD CONSTRAINT "project_qualifications_test_id_qualification_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."qualification_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qualification_attempts" ADD CONSTRAINT "qualification_attempts_test_id_qualification_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."qualification_tests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qualification_attempts" ADD CONSTRAINT "qualification_attempts_labeler_id_users_id_fk" FOREIGN KEY ("labeler_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qualification_attempts" ADD CONSTRAINT "qualification_attempts_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qualification_items" ADD CONSTRAINT "qualification_items_test_id_qualification_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."qualification_tests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "qualification_tests" ADD CONSTRAINT "qualification_tests_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_qualifications_test_idx" ON "project_qualifications" USING btree ("test_id");--> statement-breakpoint
CREATE INDEX "qualification_attempts_labeler_idx" ON "qualification_attempts" USING btree ("labeler_id","test_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "qualification_attempts_open_key" ON "qualification_attempts" USING btree ("test_id","labeler_id") WHERE "qualification_attempts"."finished_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "qualification_items_test_position_key" ON "qualification_items" USING btree ("test_id","position");--> statement-breakpoint
CREATE INDEX "qualification_tests_owner_idx" ON "qualification_tests" USING btree ("owner_id");