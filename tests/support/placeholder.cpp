// (filled by tests as they come)
