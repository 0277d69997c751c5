using Filecheck.Dashboard.Data;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Filecheck.Dashboard.Data.Migrations.Postgres
{
    /// <summary>
    /// The leases of several instances (PostgreSQL only): written by hand, since the table is read and written only by
    /// <see cref="PostgresLeaseStore"/>'s SQL (atomic take and renew with the database's clock), not through the model.
    /// </summary>
    [DbContext(typeof(PostgresDashboardDbContext))]
    [Migration("20261207203000_Leases")]
    public partial class Leases : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE TABLE "Leases" (
                    "Name" text NOT NULL PRIMARY KEY,
                    "Holder" text NOT NULL,
                    "Token" bigint NOT NULL,
                    "AcquiredAt" timestamp with time zone NOT NULL,
                    "ExpiresAt" timestamp with time zone NOT NULL,
                    "HeartbeatAt" timestamp with time zone NOT NULL
                );
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE "Leases";""");
        }
    }
}
