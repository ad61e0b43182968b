using System.Data;
using System.Data.Common;
using Npgsql;

namespace ScoreGrains.Postgres.Tests;

/// <summary>
/// Runs the OrleansQuery texts the way the 10.x ADO.NET providers do: generic DbCommand parameters whose
/// DbType comes from the CLR type (int → Int32, long → Int64, string → String, byte[] → Binary,
/// DateTime → DateTime), nulls as DBNull, result columns looked up by name with GetOrdinal.
/// </summary>
public sealed class OrleansQueries(string connectionString)
{
    public async Task<string> TextAsync(string queryKey) =>
        await Sql.ScalarAsync<string>(connectionString, $"SELECT querytext FROM orleansquery WHERE querykey = '{queryKey}'")
        ?? throw new InvalidOperationException($"OrleansQuery has no {queryKey}.");

    /// <summary>Runs a query and returns, for each row, the values of <paramref name="columns"/>.</summary>
    public async Task<List<object?[]>> RunAsync(string queryKey, string[] columns, params Parameter[] parameters)
    {
        var text = await TextAsync(queryKey);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Timeout);
        await using DbCommand command = connection.CreateCommand();
        command.CommandText = text;
        foreach (var (name, value, type) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
        }

        var rows = new List<object?[]>();
        await using var reader = await command.ExecuteReaderAsync(TestContext.Timeout);
        do
        {
            while (await reader.ReadAsync(TestContext.Timeout))
            {
                rows.Add(columns.Select(c => reader.GetOrdinal(c)).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
            }
        }
        while (await reader.NextResultAsync(TestContext.Timeout));

        return rows;
    }

    public static Parameter Number(string name, int? value) => new(name, value, DbType.Int32);

    public static Parameter BigNumber(string name, long value) => new(name, value, DbType.Int64);

    public static Parameter Text(string name, string? value) => new(name, value, DbType.String);

    public static Parameter Bytes(string name, byte[]? value) => new(name, value, DbType.Binary);

    public static Parameter Time(string name, DateTime value) => new(name, value, DbType.DateTime);

    public readonly record struct Parameter(string Name, object? Value, DbType Type);
}
