using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PostgresInitial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Checks",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserKey = table.Column<string>(type: "text", nullable: false),
                    UserName = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Note = table.Column<string>(type: "text", nullable: false),
                    OriginalJobId = table.Column<string>(type: "text", nullable: true),
                    OriginalTaskId = table.Column<string>(type: "text", nullable: true),
                    Source = table.Column<string>(type: "text", nullable: false),
                    Steps = table.Column<string>(type: "text", nullable: false),
                    NewJobId = table.Column<string>(type: "text", nullable: true),
                    Result = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Checks", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Jobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: true),
                    ModifiedAt = table.Column<long>(type: "bigint", nullable: true),
                    Status = table.Column<string>(type: "text", nullable: true),
                    Outcome = table.Column<string>(type: "text", nullable: true),
                    Channel = table.Column<string>(type: "text", nullable: true),
                    WorkflowId = table.Column<string>(type: "text", nullable: true),
                    RuleId = table.Column<string>(type: "text", nullable: true),
                    OrderId = table.Column<string>(type: "text", nullable: true),
                    CustomerId = table.Column<string>(type: "text", nullable: true),
                    CustomerEmail = table.Column<string>(type: "text", nullable: true),
                    CustomerEmailLower = table.Column<string>(type: "text", nullable: true),
                    FileCount = table.Column<int>(type: "integer", nullable: false),
                    IsTerminal = table.Column<bool>(type: "boolean", nullable: false),
                    HasDetails = table.Column<bool>(type: "boolean", nullable: false),
                    FirstSeenAt = table.Column<long>(type: "bigint", nullable: false),
                    LastSeenAt = table.Column<long>(type: "bigint", nullable: false),
                    LastFetchedAt = table.Column<long>(type: "bigint", nullable: true),
                    StepsPrunedAt = table.Column<long>(type: "bigint", nullable: true),
                    Body = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Lookups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<string>(type: "text", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    UserName = table.Column<string>(type: "text", nullable: false),
                    Action = table.Column<string>(type: "text", nullable: false, defaultValue: "lookup"),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Result = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Lookups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "RollupJobs",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "text", nullable: false),
                    Contribution = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupJobs", x => x.JobId);
                });

            migrationBuilder.CreateTable(
                name: "RollupOutcomeMarginals",
                columns: table => new
                {
                    Combo = table.Column<int>(type: "integer", nullable: false),
                    Grain = table.Column<string>(type: "text", nullable: false),
                    Start = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    WorkflowId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    FileType = table.Column<string>(type: "text", nullable: false),
                    JobPass = table.Column<int>(type: "integer", nullable: false),
                    JobFixed = table.Column<int>(type: "integer", nullable: false),
                    JobWarn = table.Column<int>(type: "integer", nullable: false),
                    JobFail = table.Column<int>(type: "integer", nullable: false),
                    JobOther = table.Column<int>(type: "integer", nullable: false),
                    FilePass = table.Column<int>(type: "integer", nullable: false),
                    FileFixed = table.Column<int>(type: "integer", nullable: false),
                    FileWarn = table.Column<int>(type: "integer", nullable: false),
                    FileFail = table.Column<int>(type: "integer", nullable: false),
                    FileOther = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupOutcomeMarginals", x => new { x.Combo, x.Grain, x.Start, x.Channel, x.WorkflowId, x.RuleId, x.FileType });
                });

            migrationBuilder.CreateTable(
                name: "RollupOutcomes",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    WorkflowId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    FileType = table.Column<string>(type: "text", nullable: false),
                    JobPass = table.Column<int>(type: "integer", nullable: false),
                    JobFixed = table.Column<int>(type: "integer", nullable: false),
                    JobWarn = table.Column<int>(type: "integer", nullable: false),
                    JobFail = table.Column<int>(type: "integer", nullable: false),
                    JobOther = table.Column<int>(type: "integer", nullable: false),
                    FilePass = table.Column<int>(type: "integer", nullable: false),
                    FileFixed = table.Column<int>(type: "integer", nullable: false),
                    FileWarn = table.Column<int>(type: "integer", nullable: false),
                    FileFail = table.Column<int>(type: "integer", nullable: false),
                    FileOther = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupOutcomes", x => new { x.Day, x.Channel, x.WorkflowId, x.RuleId, x.FileType });
                });

            migrationBuilder.CreateTable(
                name: "RollupReasonMarginals",
                columns: table => new
                {
                    Combo = table.Column<int>(type: "integer", nullable: false),
                    Grain = table.Column<string>(type: "text", nullable: false),
                    Start = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    WorkflowId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    FileType = table.Column<string>(type: "text", nullable: false),
                    StepType = table.Column<string>(type: "text", nullable: false),
                    Severity = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupReasonMarginals", x => new { x.Combo, x.Grain, x.Start, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Severity, x.Reason });
                });

            migrationBuilder.CreateTable(
                name: "RollupReasons",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    WorkflowId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    FileType = table.Column<string>(type: "text", nullable: false),
                    StepType = table.Column<string>(type: "text", nullable: false),
                    Severity = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupReasons", x => new { x.Day, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Severity, x.Reason });
                });

            migrationBuilder.CreateTable(
                name: "RollupStepMarginals",
                columns: table => new
                {
                    Combo = table.Column<int>(type: "integer", nullable: false),
                    Grain = table.Column<string>(type: "text", nullable: false),
                    Start = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    WorkflowId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    FileType = table.Column<string>(type: "text", nullable: false),
                    StepType = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    SumMs = table.Column<long>(type: "bigint", nullable: false),
                    Buckets = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupStepMarginals", x => new { x.Combo, x.Grain, x.Start, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "RollupSteps",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Channel = table.Column<string>(type: "text", nullable: false),
                    WorkflowId = table.Column<string>(type: "text", nullable: false),
                    RuleId = table.Column<string>(type: "text", nullable: false),
                    FileType = table.Column<string>(type: "text", nullable: false),
                    StepType = table.Column<string>(type: "text", nullable: false),
                    Kind = table.Column<string>(type: "text", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false),
                    SumMs = table.Column<long>(type: "bigint", nullable: false),
                    Buckets = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupSteps", x => new { x.Day, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Kind });
                });

            migrationBuilder.CreateTable(
                name: "ShareAudit",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ShareId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Action = table.Column<string>(type: "text", nullable: false),
                    Actor = table.Column<string>(type: "text", nullable: false),
                    Detail = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareAudit", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Shares",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    OrderId = table.Column<string>(type: "text", nullable: true),
                    CreatedBy = table.Column<string>(type: "text", nullable: false),
                    CreatedById = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    RevokedAt = table.Column<long>(type: "bigint", nullable: true),
                    RevokedBy = table.Column<string>(type: "text", nullable: true),
                    AllowDownloads = table.Column<bool>(type: "boolean", nullable: false),
                    AskApproval = table.Column<bool>(type: "boolean", nullable: false),
                    Note = table.Column<string>(type: "text", nullable: true),
                    RecipientName = table.Column<string>(type: "text", nullable: true),
                    RecipientEmail = table.Column<string>(type: "text", nullable: true),
                    ViewCount = table.Column<int>(type: "integer", nullable: false),
                    LastViewedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Shares", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Snapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<string>(type: "text", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: true),
                    Outcome = table.Column<string>(type: "text", nullable: true),
                    SeenAt = table.Column<long>(type: "bigint", nullable: false),
                    Source = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Snapshots", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Steps",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "text", nullable: false),
                    TaskId = table.Column<string>(type: "text", nullable: false),
                    Id = table.Column<string>(type: "text", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Type = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "text", nullable: true),
                    Outcome = table.Column<string>(type: "text", nullable: true),
                    Reason = table.Column<string>(type: "text", nullable: true),
                    Started = table.Column<long>(type: "bigint", nullable: true),
                    Ended = table.Column<long>(type: "bigint", nullable: true),
                    DurationMs = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Steps", x => new { x.JobId, x.TaskId, x.Id });
                });

            migrationBuilder.CreateTable(
                name: "SyncState",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    HeadMark = table.Column<long>(type: "bigint", nullable: true),
                    BackfillNextKey = table.Column<string>(type: "text", nullable: true),
                    BackfillDone = table.Column<bool>(type: "boolean", nullable: false),
                    LastRunStartedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastRunEndedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastSuccessAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "text", nullable: true),
                    LastErrorAt = table.Column<long>(type: "bigint", nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SyncState", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Tasks",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "text", nullable: false),
                    Id = table.Column<string>(type: "text", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "text", nullable: true),
                    Outcome = table.Column<string>(type: "text", nullable: true),
                    FileType = table.Column<string>(type: "text", nullable: true),
                    MimeType = table.Column<string>(type: "text", nullable: true),
                    FileName = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Tasks", x => new { x.JobId, x.Id });
                });

            migrationBuilder.CreateTable(
                name: "ShareDecisions",
                columns: table => new
                {
                    ShareId = table.Column<long>(type: "bigint", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    Decision = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Note = table.Column<string>(type: "text", nullable: true),
                    At = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ShareDecisions", x => new { x.ShareId, x.Position });
                    table.ForeignKey(
                        name: "FK_ShareDecisions_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SharedFiles",
                columns: table => new
                {
                    ShareId = table.Column<long>(type: "bigint", nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    JobId = table.Column<string>(type: "text", nullable: false),
                    TaskId = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SharedFiles", x => new { x.ShareId, x.Position });
                    table.ForeignKey(
                        name: "FK_SharedFiles_Shares_ShareId",
                        column: x => x.ShareId,
                        principalTable: "Shares",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Checks_At",
                table: "Checks",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_Checks_OriginalJobId",
                table: "Checks",
                column: "OriginalJobId");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CreatedAt",
                table: "Jobs",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CustomerEmailLower",
                table: "Jobs",
                column: "CustomerEmailLower");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_CustomerId",
                table: "Jobs",
                column: "CustomerId");

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_IsTerminal_HasDetails",
                table: "Jobs",
                columns: new[] { "IsTerminal", "HasDetails" });

            migrationBuilder.CreateIndex(
                name: "IX_Jobs_OrderId",
                table: "Jobs",
                column: "OrderId");

            migrationBuilder.CreateIndex(
                name: "IX_Lookups_At",
                table: "Lookups",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_Lookups_JobId_At",
                table: "Lookups",
                columns: new[] { "JobId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_Lookups_UserId_Action_Id",
                table: "Lookups",
                columns: new[] { "UserId", "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ShareAudit_ShareId_At",
                table: "ShareAudit",
                columns: new[] { "ShareId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SharedFiles_JobId",
                table: "SharedFiles",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_Shares_CreatedAt",
                table: "Shares",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Shares_CreatedById",
                table: "Shares",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_Shares_TokenHash",
                table: "Shares",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Snapshots_JobId_SeenAt",
                table: "Snapshots",
                columns: new[] { "JobId", "SeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Steps_Type_Ended",
                table: "Steps",
                columns: new[] { "Type", "Ended" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Checks");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "Jobs");

            migrationBuilder.DropTable(
                name: "Lookups");

            migrationBuilder.DropTable(
                name: "RollupJobs");

            migrationBuilder.DropTable(
                name: "RollupOutcomeMarginals");

            migrationBuilder.DropTable(
                name: "RollupOutcomes");

            migrationBuilder.DropTable(
                name: "RollupReasonMarginals");

            migrationBuilder.DropTable(
                name: "RollupReasons");

            migrationBuilder.DropTable(
                name: "RollupStepMarginals");

            migrationBuilder.DropTable(
                name: "RollupSteps");

            migrationBuilder.DropTable(
                name: "ShareAudit");

            migrationBuilder.DropTable(
                name: "ShareDecisions");

            migrationBuilder.DropTable(
                name: "SharedFiles");

            migrationBuilder.DropTable(
                name: "Snapshots");

            migrationBuilder.DropTable(
                name: "Steps");

            migrationBuilder.DropTable(
                name: "SyncState");

            migrationBuilder.DropTable(
                name: "Tasks");

            migrationBuilder.DropTable(
                name: "Shares");
        }
    }
}
