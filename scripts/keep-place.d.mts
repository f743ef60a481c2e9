export function keepPlace(code: string, original: string): string;
