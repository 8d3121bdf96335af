CREATE TYPE "public"."rejection_reason" AS ENUM('incorrect', 'ignored_instructions', 'low_effort', 'machine_written', 'other');--> statement-breakpoint
CREATE TYPE "public"."review_status" AS ENUM('pending', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."appeal_decision" AS ENUM('upheld', 'overturned');--> statement-breakpoint
CREATE TYPE "public"."bonus_kind" AS ENUM('bonus', 'qualification_test');--> statement-breakpoint
CREATE TABLE "answer_appeals" (
	"label_id" bigint PRIMARY KEY NOT NULL,
	"labeler_id" uuid NOT NULL,
	"project_id" uuid NOT NULL,
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decision" "appeal_decision",
	"decision_note" text,
	"decided_by" uuid,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "bonuses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"project_id" uuid NOT NULL,
	"labeler_id" uuid NOT NULL,
	"kind" "bonus_kind" DEFAULT 'bonus' NOT NULL,
	"amount" bigint NOT NULL,
	"reason" text NOT NULL,
	"attempt_id" bigint,
	"idempotency_key" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"paid_epoch_id" text,
	CONSTRAINT "bonuses_amount_positive" CHECK ("bonuses"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "approval_delay_hours" integer DEFAULT 72 NOT NULL;--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "review_status" "review_status" DEFAULT 'pending' NOT NULL;--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "reviewed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "reviewer_id" uuid;--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "rejection_reason" "rejection_reason";--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "review_note" text;--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "paid_epoch_id" text;--> statement-breakpoint
ALTER TABLE "answer_appeals" ADD CONSTRAINT "answer_appeals_label_id_labels_id_fk" FOREIGN KEY ("label_id") REFERENCES "public"."labels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_appeals" ADD CONSTRAINT "answer_appeals_labeler_id_users_id_fk" FOREIGN KEY ("labeler_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_appeals" ADD CONSTRAINT "answer_appeals_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "answer_appeals" ADD CONSTRAINT "answer_appeals_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonuses" ADD CONSTRAINT "bonuses_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonuses" ADD CONSTRAINT "bonuses_labeler_id_users_id_fk" FOREIGN KEY ("labeler_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonuses" ADD CONSTRAINT "bonuses_attempt_id_qualification_attempts_id_fk" FOREIGN KEY ("attempt_id") REFERENCES "public"."qualification_attempts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonuses" ADD CONSTRAINT "bonuses_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bonuses" ADD CONSTRAINT "bonuses_paid_epoch_id_payout_epochs_id_fk" FOREIGN KEY ("paid_epoch_id") REFERENCES "public"."payout_epochs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "answer_appeals_project_idx" ON "answer_appeals" USING btree ("project_id","decided_at");--> statement-breakpoint
CREATE INDEX "answer_appeals_labeler_idx" ON "answer_appeals" USING btree ("labeler_id");--> statement-breakpoint
CREATE INDEX "bonuses_labeler_idx" ON "bonuses" USING btree ("labeler_id","created_at");--> statement-breakpoint
CREATE INDEX "bonuses_project_idx" ON "bonuses" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "bonuses_unpaid_idx" ON "bonuses" USING btree ("created_at") WHERE "bonuses"."paid_epoch_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "bonuses_attempt_key" ON "bonuses" USING btree ("attempt_id");--> statement-breakpoint
CREATE UNIQUE INDEX "bonuses_request_key" ON "bonuses" USING btree ("project_id","idempotency_key","labeler_id");--> statement-breakpoint
ALTER TABLE "labels" ADD CONSTRAINT "labels_reviewer_id_users_id_fk" FOREIGN KEY ("reviewer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "labels" ADD CONSTRAINT "labels_paid_epoch_id_payout_epochs_id_fk" FOREIGN KEY ("paid_epoch_id") REFERENCES "public"."payout_epochs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "labels_unpaid_idx" ON "labels" USING btree ("project_id") WHERE "labels"."paid_epoch_id" is null;--> statement-breakpoint
ALTER TABLE "projects" ADD CONSTRAINT "projects_approval_delay" CHECK ("projects"."approval_delay_hours" between 0 and 720);--> statement-breakpoint
-- Answers given before review existed were accepted as they came: approved when given, paid by the daily epoch of their day.
UPDATE "labels" SET "review_status" = 'approved', "reviewed_at" = "created_at",
  "paid_epoch_id" = (SELECT e."id" FROM "payout_epochs" e WHERE e."kind" = 'daily' AND e."starts_at" <= "labels"."created_at" AND "labels"."created_at" < e."ends_at");--> statement-breakpoint
-- Projects made before review existed keep paying each answer on its day.
UPDATE "projects" SET "approval_delay_hours" = 0;
