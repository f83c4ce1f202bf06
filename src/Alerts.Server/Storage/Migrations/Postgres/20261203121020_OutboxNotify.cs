using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Alerts.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class OutboxNotify : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One NOTIFY per inserting statement, delivered at commit: wakes every relay (Outbox/OutboxListener).
            migrationBuilder.Sql("""
                CREATE FUNCTION alerts_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('alerts_outbox', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER outbox_messages_notify AFTER INSERT ON outbox_messages
                    FOR EACH STATEMENT EXECUTE FUNCTION alerts_outbox_notify();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS outbox_messages_notify ON outbox_messages;
                DROP FUNCTION IF EXISTS alerts_outbox_notify();
                """);
        }
    }
}
