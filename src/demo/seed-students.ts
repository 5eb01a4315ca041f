import type { NewStudent } from './store.ts';

const DOMAINS = ['Engineering', 'Mathematics', 'Physics', 'Biology', 'Economics', 'History'] as const;

/** Seed student i (1-based): deterministic, so reseeding a kept database adds only what is missing. */
export function seedStudent(i: number): NewStudent {
  return {
    name: `Student ${i}`,
    email: `student${i}@seed.volley.test`,
    domain: DOMAINS[i % DOMAINS.length] ?? null,
    // GPA 6.00–10.00 spread by a multiplicative hash of i.
    gpa: 6 + ((i * 2654435761) % 401) / 100,
  };
}
