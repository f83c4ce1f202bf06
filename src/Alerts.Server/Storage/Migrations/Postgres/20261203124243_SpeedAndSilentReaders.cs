using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerts.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SpeedAndSilentReaders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Displayed",
                table: "notifications",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "AnsweredAt",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "DisplayedAt",
                table: "deliveries",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Host",
                table: "deliveries",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Silent",
                table: "click_hours",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Displayed",
                table: "notifications");

            migrationBuilder.DropColumn(
                name: "AnsweredAt",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "DisplayedAt",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "Host",
                table: "deliveries");

            migrationBuilder.DropColumn(
                name: "Silent",
                table: "click_hours");
        }
    }
}
