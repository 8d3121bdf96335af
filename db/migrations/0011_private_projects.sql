CREATE TYPE "public"."project_visibility" AS ENUM('public', 'private');--> statement-breakpoint
CREATE TABLE "project_labelers" (
	"project_id" uuid NOT NULL,
	"email" text NOT NULL,
	"invited_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_labelers_project_id_email_pk" PRIMARY KEY("project_id","email"),
	CONSTRAINT "project_labelers_email_lowercase" CHECK ("project_labelers"."email" = lower("project_labelers"."email"))
);
--> statement-breakpoint
ALTER TABLE "projects" ADD COLUMN "visibility" "project_visibility" DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE "project_labelers" ADD CONSTRAINT "project_labelers_project_id_projects_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."projects"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_labelers" ADD CONSTRAINT "project_labelers_invited_by_users_id_fk" FOREIGN KEY ("invited_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;