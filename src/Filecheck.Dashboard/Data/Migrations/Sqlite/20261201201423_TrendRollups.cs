using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TrendRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RollupJobs",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "TEXT", nullable: false),
                    Contribution = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupJobs", x => x.JobId);
                });

            migrationBuilder.CreateTable(
                name: "RollupOutcomes",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    WorkflowId = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", nullable: false),
                    FileType = table.Column<string>(type: "TEXT", nullable: false),
                    JobPass = table.Column<int>(type: "INTEGER", nullable: false),
                    JobFixed = table.Column<int>(type: "INTEGER", nullable: false),
                    JobWarn = table.Column<int>(type: "INTEGER", nullable: false),
                    JobFail = table.Column<int>(type: "INTEGER", nullable: false),
                    JobOther = table.Column<int>(type: "INTEGER", nullable: false),
                    FilePass = table.Column<int>(type: "INTEGER", nullable: false),
                    FileFixed = table.Column<int>(type: "INTEGER", nullable: false),
                    FileWarn = table.Column<int>(type: "INTEGER", nullable: false),
                    FileFail = table.Column<int>(type: "INTEGER", nullable: false),
                    FileOther = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupOutcomes", x => new { x.Day, x.Channel, x.WorkflowId, x.RuleId, x.FileType });
                });

            migrationBuilder.CreateTable(
                name: "RollupReasons",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    WorkflowId = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", nullable: false),
                    FileType = table.Column<string>(type: "TEXT", nullable: false),
                    StepType = table.Column<string>(type: "TEXT", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupReasons", x => new { x.Day, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Severity, x.Reason });
                });

            migrationBuilder.CreateTable(
                name: "RollupSteps",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    WorkflowId = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", nullable: false),
                    FileType = table.Column<string>(type: "TEXT", nullable: false),
                    StepType = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    SumMs = table.Column<long>(type: "INTEGER", nullable: false),
                    MinMs = table.Column<double>(type: "REAL", nullable: false),
                    MaxMs = table.Column<double>(type: "REAL", nullable: false),
                    Buckets = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupSteps", x => new { x.Day, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Kind });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RollupJobs");

            migrationBuilder.DropTable(
                name: "RollupOutcomes");

            migrationBuilder.DropTable(
                name: "RollupReasons");

            migrationBuilder.DropTable(
                name: "RollupSteps");
        }
    }
}
