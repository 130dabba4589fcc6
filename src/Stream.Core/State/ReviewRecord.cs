namespace Stream.Core.State;

/// <summary>A customer's last review: packed status (0: never reviewed), the day it was made as of, and the day the next is due.</summary>
public readonly record struct ReviewRecord(int StatusCode, int ReviewedDay, int NextReviewDay)
{
    public bool Exists => StatusCode != 0;
}
