namespace Advisor.Storage;

/// <summary>The store cannot be used: its database cannot be opened or migrated, or the salt cannot be read. The message says which and why.</summary>
public sealed class StorageException : Exception
{
    public StorageException()
    {
    }

    public StorageException(string message)
        : base(message)
    {
    }

    public StorageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
