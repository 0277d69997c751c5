using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TrendMarginals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite drops a column in place (3.35+), inside the migration's transaction; EF's DropColumn would rebuild the table outside it.
            migrationBuilder.Sql("ALTER TABLE \"RollupSteps\" DROP COLUMN \"MaxMs\";");
            migrationBuilder.Sql("ALTER TABLE \"RollupSteps\" DROP COLUMN \"MinMs\";");

            migrationBuilder.CreateTable(
                name: "RollupOutcomeMarginals",
                columns: table => new
                {
                    Combo = table.Column<int>(type: "INTEGER", nullable: false),
                    Grain = table.Column<string>(type: "TEXT", nullable: false),
                    Start = table.Column<DateOnly>(type: "TEXT", nullable: false),
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
                    table.PrimaryKey("PK_RollupOutcomeMarginals", x => new { x.Combo, x.Grain, x.Start, x.Channel, x.WorkflowId, x.RuleId, x.FileType });
                });

            migrationBuilder.CreateTable(
                name: "RollupReasonMarginals",
                columns: table => new
                {
                    Combo = table.Column<int>(type: "INTEGER", nullable: false),
                    Grain = table.Column<string>(type: "TEXT", nullable: false),
                    Start = table.Column<DateOnly>(type: "TEXT", nullable: false),
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
                    table.PrimaryKey("PK_RollupReasonMarginals", x => new { x.Combo, x.Grain, x.Start, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Severity, x.Reason });
                });

            migrationBuilder.CreateTable(
                name: "RollupStepMarginals",
                columns: table => new
                {
                    Combo = table.Column<int>(type: "INTEGER", nullable: false),
                    Grain = table.Column<string>(type: "TEXT", nullable: false),
                    Start = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", nullable: false),
                    WorkflowId = table.Column<string>(type: "TEXT", nullable: false),
                    RuleId = table.Column<string>(type: "TEXT", nullable: false),
                    FileType = table.Column<string>(type: "TEXT", nullable: false),
                    StepType = table.Column<string>(type: "TEXT", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false),
                    SumMs = table.Column<long>(type: "INTEGER", nullable: false),
                    Buckets = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RollupStepMarginals", x => new { x.Combo, x.Grain, x.Start, x.Channel, x.WorkflowId, x.RuleId, x.FileType, x.StepType, x.Kind });
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RollupOutcomeMarginals");

            migrationBuilder.DropTable(
                name: "RollupReasonMarginals");

            migrationBuilder.DropTable(
                name: "RollupStepMarginals");

            migrationBuilder.AddColumn<double>(
                name: "MaxMs",
                table: "RollupSteps",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "MinMs",
                table: "RollupSteps",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);
        }
    }
}
