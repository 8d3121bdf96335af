ALTER TYPE "public"."task_type" ADD VALUE 'form';--> statement-breakpoint
CREATE TABLE "question_consensus" (
	"item_id" bigint NOT NULL,
	"question" text NOT NULL,
	"project_id" uuid NOT NULL,
	"result" jsonb NOT NULL,
	"confidence" real NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "question_consensus_item_id_question_pk" PRIMARY KEY("item_id","question")
);
--> statement-breakpoint
DROP INDEX "items_open_idx";--> statement-breakpoint
ALTER TABLE "items" ADD COLUMN "awaiting_responses" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "questions" jsonb;--> statement-breakpoint
ALTER TABLE "assignments" ADD COLUMN "response_order" jsonb;--> statement-breakpoint
ALTER TABLE "labels" ADD COLUMN "answers" jsonb;--> statement-breakpoint
ALTER TABLE "question_consensus" ADD CONSTRAINT "question_consensus_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "question_consensus" ADD CONSTRAINT "question_consensus_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "question_consensus_project_idx" ON "question_consensus" USING btree ("project_id");--> statement-breakpoint
CREATE INDEX "items_open_idx" ON "items" USING btree ("project_id","priority" DESC NULLS LAST,"id") WHERE not "items"."done" and not "items"."awaiting_responses";