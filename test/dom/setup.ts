import '@testing-library/jest-dom/vitest';
import { setProjectAnnotations } from '@storybook/react-vite';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import * as projectAnnotations from '../../.storybook/preview';

// The stories' project settings, for the stories rendered here with composeStories.
setProjectAnnotations([projectAnnotations]);
afterEach(() => cleanup());
